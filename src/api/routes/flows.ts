import crypto from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { validateMapping } from '../../datasets/mapping.ts';
import { DEFAULT_ERROR_THRESHOLD_PERCENT } from '../../datasets/threshold.ts';
import type { DatasetSchema, MappingRule } from '../../datasets/types.ts';
import { notFound, TributaryError } from '../../domain/errors.ts';
import { parseScheduleParams, resumeCursor, scheduleToJson } from '../../domain/schedule.ts';
import { formatInstant, formatOptionalInstant } from '../../domain/time.ts';
import { connectionContext } from '../../engine/connection-context.ts';
import { cancelScheduledRunsOfFlow, latestRunsOfFlows, type LatestRun } from '../../store/flow-runs.ts';
import {
  countResources,
  deleteResource,
  getResource,
  insertResource,
  listResources,
  updateResource,
} from '../../store/resources.ts';
import type { FlowsTable } from '../../store/schema.ts';
import type { Scope } from '../../store/tenancy.ts';
import type { ApiServices } from '../context.ts';
import {
  listResponse,
  mergePatch,
  newEtag,
  parseFilters,
  parseListQuery,
  requireIfMatch,
  sendCreated,
  sendWithEtag,
  wantsCount,
  type ListParameters,
} from '../http.ts';
import { IdParams, ListQuerystring, TimeValue } from '../schemas.ts';
import { requireConnector } from './connections.ts';

const MappingRuleSchema = Type.Object({
  source: Type.String(),
  destination: Type.String(),
  format: Type.Optional(Type.String()),
  timezone: Type.Optional(Type.String()),
  decimalSeparator: Type.Optional(Type.Union([Type.Literal('.'), Type.Literal(',')])),
  trim: Type.Optional(Type.Boolean()),
});

const FlowBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    sourceConnectionIds: Type.Array(Type.String(), { minItems: 1, maxItems: 1 }),
    targetDatasetId: Type.String({ minLength: 1 }),
    transformations: Type.Optional(
      Type.Object({
        mapping: Type.Optional(Type.Array(MappingRuleSchema)),
        deltaColumn: Type.Optional(Type.Object({ name: Type.String({ minLength: 1 }) })),
      }),
    ),
    scheduleParams: Type.Object({
      frequency: Type.String(),
      interval: Type.Optional(Type.Integer()),
      cron: Type.Optional(Type.String()),
      startTime: TimeValue,
      endTime: Type.Optional(TimeValue),
      timezone: Type.Optional(Type.String()),
      backfill: Type.Optional(Type.Boolean()),
      catchup: Type.Optional(Type.Boolean()),
    }),
    options: Type.Optional(
      Type.Object(
        { errorThresholdPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })) },
        { additionalProperties: false },
      ),
    ),
    state: Type.Optional(Type.Union([Type.Literal('enabled'), Type.Literal('disabled')])),
  },
  { additionalProperties: false },
);
type FlowBody = typeof FlowBody.static;

const ActionQuery = Type.Object({ op: Type.String() });

const FILTERS = { name: 'name', state: 'state', targetDatasetId: 'target_dataset_id' };

interface FlowDefinition {
  name: string;
  description: string | null;
  sourceConnectionIds: string[];
  targetDatasetId: string;
  mapping: MappingRule[];
  deltaColumn: string | null;
  scheduleJson: ReturnType<typeof scheduleToJson>;
  options: { errorThresholdPercent: number };
}

function toFlow(row: FlowsTable, lastRun?: LatestRun) {
  const transformations = JSON.parse(row.transformations) as { mapping: MappingRule[] };
  return {
    id: row.id,
    etag: row.etag,
    name: row.name,
    description: row.description,
    sourceConnectionIds: JSON.parse(row.source_connection_ids) as string[],
    targetDatasetId: row.target_dataset_id,
    transformations: {
      mapping: transformations.mapping,
      ...(row.delta_column ? { deltaColumn: { name: row.delta_column } } : {}),
    },
    scheduleParams: JSON.parse(row.schedule) as unknown,
    options: JSON.parse(row.options) as unknown,
    state: row.state,
    ...(lastRun
      ? {
          lastRun: {
            id: lastRun.id,
            status: lastRun.status,
            windowStartTime: formatInstant(lastRun.windowStart),
            windowEndTime: formatInstant(lastRun.windowEnd),
            completedAt: formatOptionalInstant(lastRun.completedAt),
            createdAt: formatInstant(lastRun.createdAt),
          },
        }
      : {}),
    sandboxName: row.sandbox,
    createdAt: formatInstant(row.created_at),
    updatedAt: formatInstant(row.updated_at),
    createdBy: row.created_by,
  };
}

export function registerFlowRoutes(app: FastifyInstance, services: ApiServices): void {
  const db = services.store.db;

  const loadFlow = async (scope: Scope, id: string) => {
    const row = await getResource(db, 'flows', scope, id);
    if (!row) throw notFound('flow', id);
    return row;
  };

  /** Checks a whole flow definition against its source, its dataset and the schedule rules. */
  const validateFlow = async (
    scope: Scope,
    body: FlowBody,
    fixedDeltaColumn: string | null,
  ): Promise<FlowDefinition> => {
    const sourceId = body.sourceConnectionIds[0]!;
    const source = await getResource(db, 'source_connections', scope, sourceId);
    if (!source) {
      throw new TributaryError(
        'NOT_FOUND',
        `sourceConnectionIds[0] '${sourceId}' is not a source connection in this sandbox.`,
        {
          errors: [{ path: 'sourceConnectionIds.0', message: 'not found' }],
        },
      );
    }
    const dataset = await getResource(db, 'datasets', scope, body.targetDatasetId);
    if (!dataset) {
      throw new TributaryError(
        'NOT_FOUND',
        `targetDatasetId '${body.targetDatasetId}' is not a dataset in this sandbox.`,
        {
          errors: [{ path: 'targetDatasetId', message: 'not found' }],
        },
      );
    }

    const schema = JSON.parse(dataset.schema) as DatasetSchema;
    // Without a mapping, each dataset field reads the source column of the same name.
    const mapping =
      body.transformations?.mapping ?? schema.fields.map((field) => ({ source: field.name, destination: field.name }));
    validateMapping(mapping, schema);

    const schedule = parseScheduleParams(body.scheduleParams);
    const deltaColumn = await validateDeltaColumn(
      scope,
      source.base_connection_id,
      source,
      body.transformations?.deltaColumn?.name,
      fixedDeltaColumn,
    );

    return {
      name: body.name,
      description: body.description ?? null,
      sourceConnectionIds: [sourceId],
      targetDatasetId: body.targetDatasetId,
      mapping,
      deltaColumn,
      scheduleJson: scheduleToJson(schedule),
      options: { errorThresholdPercent: body.options?.errorThresholdPercent ?? DEFAULT_ERROR_THRESHOLD_PERCENT },
    };
  };

  const validateDeltaColumn = async (
    scope: Scope,
    accountId: string,
    source: { data: string; params: string },
    requested: string | undefined,
    fixed: string | null,
  ): Promise<string | null> => {
    // The flow's own column was checked when it was set, so a PATCH that keeps it queries no source.
    if (requested === undefined || requested === fixed) return fixed;
    if (fixed !== null && requested !== fixed) {
      throw new TributaryError(
        'DELTA_COLUMN_IMMUTABLE',
        `transformations.deltaColumn.name '${requested}' differs from the flow's delta column '${fixed}', which is fixed; keep '${fixed}' or create a new flow.`,
        { errors: [{ path: 'transformations.deltaColumn.name', message: 'immutable' }] },
      );
    }
    const account = await getResource(db, 'connections', scope, accountId);
    if (!account) throw notFound('connection', accountId);
    const connector = requireConnector(account.spec_id);
    if (connector.spec.sourceKind !== 'table' || !connector.deltaColumns) {
      throw new TributaryError(
        'DELTA_COLUMN_NOT_ALLOWED',
        `transformations.deltaColumn is only for table sources; ${connector.spec.id} files are placed in windows by their last-modified time, so remove it.`,
        { errors: [{ path: 'transformations.deltaColumn', message: 'not allowed for file sources' }] },
      );
    }
    const columns = await connector.deltaColumns(
      connectionContext(account, services.secretBox, services.config.fileRoots),
      {
        data: JSON.parse(source.data) as { format: string },
        params: JSON.parse(source.params) as Record<string, unknown>,
      },
    );
    if (!columns.some((column) => column.name === requested)) {
      const names = columns.map((column) => column.name).join(', ') || 'none';
      throw new TributaryError(
        'DELTA_COLUMN_NOT_FOUND',
        `transformations.deltaColumn.name '${requested}' is not a date or time column of the source table; use one of: ${names}.`,
        { errors: [{ path: 'transformations.deltaColumn.name', message: 'not a date or time column' }] },
      );
    }
    return requested;
  };

  const definitionColumns = (definition: FlowDefinition) => ({
    name: definition.name,
    description: definition.description,
    source_connection_ids: JSON.stringify(definition.sourceConnectionIds),
    target_dataset_id: definition.targetDatasetId,
    transformations: JSON.stringify({ mapping: definition.mapping }),
    schedule: JSON.stringify(definition.scheduleJson),
    options: JSON.stringify(definition.options),
    delta_column: definition.deltaColumn,
  });

  app.post<{ Body: FlowBody }>(
    '/flows',
    { schema: { tags: ['flows'], summary: 'Create a dataflow', body: FlowBody } },
    async (request, reply) => {
      const definition = await validateFlow(request.actor, request.body, null);
      const now = services.clock.now();
      const state = request.body.state ?? 'enabled';
      const row: FlowsTable = {
        id: crypto.randomUUID(),
        org_id: request.actor.orgId,
        sandbox: request.actor.sandbox,
        ...definitionColumns(definition),
        state,
        schedule_cursor: null,
        disabled_at: state === 'disabled' ? now : null,
        etag: newEtag(),
        created_at: now,
        updated_at: now,
        created_by: request.actor.userId,
      };
      await insertResource(db, 'flows', row);
      request.log.info({ flowId: row.id }, 'flow created');
      return sendCreated(reply, `/api/v1/flows/${row.id}`, toFlow(row));
    },
  );

  app.get<{ Querystring: ListParameters }>(
    '/flows',
    { schema: { tags: ['flows'], summary: 'List dataflows with their last run', querystring: ListQuerystring } },
    async (request) => {
      if (wantsCount(request.query)) {
        return {
          count: await countResources(db, 'flows', request.actor, parseFilters(request.query.property, FILTERS)),
        };
      }
      const query = parseListQuery(request.query, FILTERS);
      const rows = await listResources(db, 'flows', request.actor, query);
      const lastRuns = await latestRunsOfFlows(
        db,
        request.actor,
        rows.slice(0, query.limit).map((row) => row.id),
      );
      return listResponse(request, rows, query, request.query.orderby ?? '-createdAt', (row) =>
        toFlow(row, lastRuns.get(row.id)),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/flows/:id',
    { schema: { tags: ['flows'], summary: 'Get a dataflow', params: IdParams } },
    async (request, reply) => {
      const row = await loadFlow(request.actor, request.params.id);
      const lastRuns = await latestRunsOfFlows(db, request.actor, [row.id]);
      return sendWithEtag(reply, toFlow(row, lastRuns.get(row.id)));
    },
  );

  app.patch<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/flows/:id',
    {
      schema: {
        tags: ['flows'],
        summary: 'Update a dataflow with a JSON Merge Patch (If-Match required)',
        params: IdParams,
        body: Type.Record(Type.String(), Type.Unknown()),
      },
    },
    async (request, reply) => {
      const row = await loadFlow(request.actor, request.params.id);
      const etag = requireIfMatch(request, row.etag);
      if ('state' in request.body) {
        throw new TributaryError(
          'VALIDATION_FAILED',
          'state cannot be patched; use POST /api/v1/flows/{id}/action?op=enable or op=disable.',
          {
            errors: [{ path: 'state', message: 'use the action' }],
          },
        );
      }
      const current = toFlow(row);
      const patched = mergePatch(
        {
          name: current.name,
          ...(current.description ? { description: current.description } : {}),
          sourceConnectionIds: current.sourceConnectionIds,
          targetDatasetId: current.targetDatasetId,
          transformations: current.transformations,
          scheduleParams: current.scheduleParams,
          options: current.options,
        },
        request.body,
      ) as FlowBody;
      const definition = await validateFlow(request.actor, patched, row.delta_column);

      const changes = { ...definitionColumns(definition), etag: newEtag(), updated_at: services.clock.now() };
      if (!(await updateResource(db, 'flows', request.actor, row.id, etag, changes))) {
        throw new TributaryError(
          'PRECONDITION_FAILED',
          'The flow changed while it was being updated; read it again and retry.',
        );
      }
      return sendWithEtag(reply, toFlow({ ...row, ...changes }));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/flows/:id',
    { schema: { tags: ['flows'], summary: 'Delete a dataflow; its scheduled runs are cancelled', params: IdParams } },
    async (request, reply) => {
      const row = await loadFlow(request.actor, request.params.id);
      await cancelScheduledRunsOfFlow(db, request.actor, row.id, services.clock.now());
      await deleteResource(db, 'flows', request.actor, row.id);
      request.log.info({ flowId: row.id }, 'flow deleted');
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string }; Querystring: typeof ActionQuery.static }>(
    '/flows/:id/action',
    {
      schema: {
        tags: ['flows'],
        summary: 'Enable or disable a dataflow: ?op=enable|disable',
        params: IdParams,
        querystring: ActionQuery,
      },
    },
    async (request, reply) => {
      const { op } = request.query;
      if (op !== 'enable' && op !== 'disable') {
        throw new TributaryError('INVALID_OPERATION', `op '${op}' is unknown for flows; use op=enable or op=disable.`, {
          errors: [{ path: 'querystring.op', message: 'unknown operation' }],
        });
      }
      const row = await loadFlow(request.actor, request.params.id);
      return setFlowState(reply, request.actor, row, op === 'enable' ? 'enabled' : 'disabled');
    },
  );

  const setFlowState = async (reply: FastifyReply, scope: Scope, row: FlowsTable, state: FlowsTable['state']) => {
    if (row.state === state) return sendWithEtag(reply, toFlow(row));
    const now = services.clock.now();
    const changes: Partial<FlowsTable> = { state, etag: newEtag(), updated_at: now };
    if (state === 'disabled') changes.disabled_at = now;

    // Enabled again, a flow catches up on the windows it missed, unless catch-up is off: then it
    // starts from now and the disabled time gets no run, as the user chose.
    const schedule = parseScheduleParams(JSON.parse(row.schedule));
    if (state === 'enabled' && !schedule.catchup && row.schedule_cursor !== null) {
      changes.schedule_cursor = Math.max(row.schedule_cursor, resumeCursor(schedule, now) ?? row.schedule_cursor);
    }
    if (!(await updateResource(db, 'flows', scope, row.id, row.etag, changes))) {
      throw new TributaryError('PRECONDITION_FAILED', 'The flow changed while its state was being set; retry.');
    }
    return sendWithEtag(reply, toFlow({ ...row, ...changes }));
  };
}
