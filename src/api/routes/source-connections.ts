import crypto from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { notFound, TributaryError } from '../../domain/errors.ts';
import { formatInstant } from '../../domain/time.ts';
import { connectionContext } from '../../engine/connection-context.ts';
import {
  countResources,
  deleteResource,
  getResource,
  insertResource,
  listResources,
  updateResource,
} from '../../store/resources.ts';
import type { SourceConnectionsTable } from '../../store/schema.ts';
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
import { IdParams, ListQuerystring } from '../schemas.ts';
import { requireConnector } from './connections.ts';

const SourceData = Type.Object({
  format: Type.String({ description: 'delimited, json, ndjson, parquet for files; tabular for tables' }),
  properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const SourceConnectionBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    baseConnectionId: Type.String({ minLength: 1 }),
    data: SourceData,
    params: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
type SourceConnectionBody = typeof SourceConnectionBody.static;

const FILTERS = { name: 'name', baseConnectionId: 'base_connection_id' };

function toSourceConnection(row: SourceConnectionsTable, specId: string | undefined) {
  return {
    id: row.id,
    etag: row.etag,
    name: row.name,
    description: row.description,
    baseConnectionId: row.base_connection_id,
    connectionSpec: { id: specId ?? null },
    data: JSON.parse(row.data) as Record<string, unknown>,
    params: JSON.parse(row.params) as Record<string, unknown>,
    sandboxName: row.sandbox,
    createdAt: formatInstant(row.created_at),
    updatedAt: formatInstant(row.updated_at),
    createdBy: row.created_by,
  };
}

export function registerSourceConnectionRoutes(app: FastifyInstance, services: ApiServices): void {
  const db = services.store.db;

  const loadAccount = async (scope: Scope, id: string) => {
    const account = await getResource(db, 'connections', scope, id);
    if (!account) {
      throw new TributaryError(
        'NOT_FOUND',
        `baseConnectionId '${id}' is not an account in this sandbox; create it with POST /api/v1/connections.`,
        {
          errors: [{ path: 'baseConnectionId', message: 'not found' }],
        },
      );
    }
    return account;
  };

  /** Asks the connector whether the source is readable: paths inside the roots, tables in discovery. */
  const validateSource = async (
    scope: Scope,
    baseConnectionId: string,
    data: SourceConnectionBody['data'],
    params: Record<string, unknown>,
  ) => {
    const account = await loadAccount(scope, baseConnectionId);
    const connector = requireConnector(account.spec_id);
    await connector.validateSource(connectionContext(account, services.secretBox, services.config.fileRoots), {
      data,
      params,
    });
    return account;
  };

  const loadSource = async (scope: Scope, id: string) => {
    const row = await getResource(db, 'source_connections', scope, id);
    if (!row) throw notFound('source connection', id);
    return row;
  };

  const specOf = async (scope: Scope, baseConnectionId: string) =>
    (await getResource(db, 'connections', scope, baseConnectionId))?.spec_id;

  app.post<{ Body: SourceConnectionBody }>(
    '/sourceConnections',
    { schema: { tags: ['sourceConnections'], summary: 'Create a source connection', body: SourceConnectionBody } },
    async (request, reply) => {
      const { baseConnectionId, data, params } = request.body;
      const account = await validateSource(request.actor, baseConnectionId, data, params);

      const now = services.clock.now();
      const row: SourceConnectionsTable = {
        id: crypto.randomUUID(),
        org_id: request.actor.orgId,
        sandbox: request.actor.sandbox,
        name: request.body.name,
        description: request.body.description ?? null,
        base_connection_id: baseConnectionId,
        data: JSON.stringify(data),
        params: JSON.stringify(params),
        etag: newEtag(),
        created_at: now,
        updated_at: now,
        created_by: request.actor.userId,
      };
      await insertResource(db, 'source_connections', row);
      return sendCreated(reply, `/api/v1/sourceConnections/${row.id}`, toSourceConnection(row, account.spec_id));
    },
  );

  app.get<{ Querystring: ListParameters }>(
    '/sourceConnections',
    { schema: { tags: ['sourceConnections'], summary: 'List source connections', querystring: ListQuerystring } },
    async (request) => {
      if (wantsCount(request.query)) {
        return {
          count: await countResources(
            db,
            'source_connections',
            request.actor,
            parseFilters(request.query.property, FILTERS),
          ),
        };
      }
      const query = parseListQuery(request.query, FILTERS);
      const rows = await listResources(db, 'source_connections', request.actor, query);
      const specs = new Map<string, string | undefined>();
      for (const row of rows) {
        if (!specs.has(row.base_connection_id))
          specs.set(row.base_connection_id, await specOf(request.actor, row.base_connection_id));
      }
      return listResponse(request, rows, query, request.query.orderby ?? '-createdAt', (row) =>
        toSourceConnection(row, specs.get(row.base_connection_id)),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/sourceConnections/:id',
    { schema: { tags: ['sourceConnections'], summary: 'Get a source connection', params: IdParams } },
    async (request, reply) => {
      const row = await loadSource(request.actor, request.params.id);
      return sendWithEtag(reply, toSourceConnection(row, await specOf(request.actor, row.base_connection_id)));
    },
  );

  app.patch<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/sourceConnections/:id',
    {
      schema: {
        tags: ['sourceConnections'],
        summary: 'Update a source connection with a JSON Merge Patch (If-Match required)',
        params: IdParams,
        body: Type.Record(Type.String(), Type.Unknown()),
      },
    },
    async (request, reply) => {
      const row = await loadSource(request.actor, request.params.id);
      const etag = requireIfMatch(request, row.etag);
      const patched = mergePatch(
        { name: row.name, description: row.description, data: JSON.parse(row.data), params: JSON.parse(row.params) },
        request.body,
      ) as {
        name?: unknown;
        description?: unknown;
        data?: SourceConnectionBody['data'];
        params?: Record<string, unknown>;
      };
      if (typeof patched.name !== 'string' || patched.name === '' || !patched.data?.format) {
        throw new TributaryError(
          'VALIDATION_FAILED',
          'name and data.format must stay set; remove them from the patch.',
          {
            errors: [{ path: 'name', message: 'required' }],
          },
        );
      }
      const account = await validateSource(request.actor, row.base_connection_id, patched.data, patched.params ?? {});

      const changes = {
        name: patched.name,
        description: typeof patched.description === 'string' ? patched.description : null,
        data: JSON.stringify(patched.data),
        params: JSON.stringify(patched.params ?? {}),
        etag: newEtag(),
        updated_at: services.clock.now(),
      };
      if (!(await updateResource(db, 'source_connections', request.actor, row.id, etag, changes))) {
        throw new TributaryError(
          'PRECONDITION_FAILED',
          'The source connection changed while it was being updated; read it again and retry.',
        );
      }
      return sendWithEtag(reply, toSourceConnection({ ...row, ...changes }, account.spec_id));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/sourceConnections/:id',
    { schema: { tags: ['sourceConnections'], summary: 'Delete a source connection', params: IdParams } },
    async (request, reply) => {
      const row = await loadSource(request.actor, request.params.id);
      const flows = await db
        .selectFrom('flows')
        .select(['id', 'source_connection_ids'])
        .where('org_id', '=', request.actor.orgId)
        .where('sandbox', '=', request.actor.sandbox)
        .execute();
      const user = flows.find((flow) => (JSON.parse(flow.source_connection_ids) as string[]).includes(row.id));
      if (user) {
        throw new TributaryError(
          'RESOURCE_IN_USE',
          `Source connection '${row.id}' is used by flow '${user.id}'; delete that flow first.`,
        );
      }
      await deleteResource(db, 'source_connections', request.actor, row.id);
      return reply.code(204).send();
    },
  );
}
