import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { exportDataset } from '../../datasets/export.ts';
import { validateDatasetSchema } from '../../datasets/schema.ts';
import type { DatasetDefinition, DatasetSchema } from '../../datasets/types.ts';
import { notFound, TributaryError } from '../../domain/errors.ts';
import { formatInstant, formatOptionalInstant } from '../../domain/time.ts';
import {
  countResources,
  deleteResource,
  getResource,
  insertResource,
  listResources,
  updateResource,
} from '../../store/resources.ts';
import type { DatasetsTable } from '../../store/schema.ts';
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

const FieldSchema = Type.Object(
  {
    name: Type.String(),
    type: Type.Union(
      ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'json'].map((t) => Type.Literal(t)),
    ),
    required: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const DatasetBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    schema: Type.Object({ fields: Type.Array(FieldSchema, { minItems: 1 }) }),
    primaryKey: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
  },
  { additionalProperties: false },
);
type DatasetBody = typeof DatasetBody.static;

const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  continuationToken: Type.Optional(Type.String()),
  batchId: Type.Optional(Type.String()),
});
type PageQuery = typeof PageQuery.static;

const ExportQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('ndjson')])),
  batchId: Type.Optional(Type.String()),
});

const FILTERS = { name: 'name' };

export function datasetDefinition(row: DatasetsTable): DatasetDefinition {
  const primaryKey = row.primary_key ? (JSON.parse(row.primary_key) as string[]) : undefined;
  return { id: row.id, schema: JSON.parse(row.schema) as DatasetSchema, ...(primaryKey ? { primaryKey } : {}) };
}

function toDataset(row: DatasetsTable, stats?: { rowCount: number; batchCount: number }) {
  return {
    id: row.id,
    etag: row.etag,
    name: row.name,
    description: row.description,
    schema: JSON.parse(row.schema) as DatasetSchema,
    primaryKey: row.primary_key ? (JSON.parse(row.primary_key) as string[]) : null,
    ...(stats ? { stats } : {}),
    sandboxName: row.sandbox,
    createdAt: formatInstant(row.created_at),
    updatedAt: formatInstant(row.updated_at),
    createdBy: row.created_by,
  };
}

// Row and batch pages are offsets into a stable order; the token hides that detail from clients.
function decodeOffset(token: string | undefined): number {
  if (!token) return 0;
  const offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) {
    throw new TributaryError(
      'INVALID_CONTINUATION_TOKEN',
      'continuationToken is invalid; use the next link of the previous page unchanged.',
    );
  }
  return offset;
}

function nextLink(path: string, query: Record<string, unknown>, offset: number | null) {
  if (offset === null) return {};
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && key !== 'continuationToken') params.set(key, String(value));
  }
  params.set('continuationToken', Buffer.from(String(offset)).toString('base64url'));
  return { next: { href: `${path}?${params.toString()}` } };
}

export function registerDatasetRoutes(app: FastifyInstance, services: ApiServices): void {
  const db = services.store.db;
  const warehouse = services.warehouse;

  const loadDataset = async (scope: Scope, id: string) => {
    const row = await getResource(db, 'datasets', scope, id);
    if (!row) throw notFound('dataset', id);
    return row;
  };

  app.post<{ Body: DatasetBody }>(
    '/datasets',
    { schema: { tags: ['datasets'], summary: 'Create a dataset with a typed schema', body: DatasetBody } },
    async (request, reply) => {
      const { name, schema, primaryKey } = request.body;
      validateDatasetSchema(schema, primaryKey);
      const existing = await listResources(db, 'datasets', request.actor, {
        limit: 1,
        orderColumn: 'created_at',
        descending: true,
        filters: [{ column: 'name', operator: '==', values: [name] }],
      });
      if (existing.length > 0) {
        throw new TributaryError(
          'NAME_TAKEN',
          `A dataset named '${name}' already exists in this sandbox; choose another name.`,
          {
            errors: [{ path: 'name', message: 'already used' }],
          },
        );
      }

      const now = services.clock.now();
      const row: DatasetsTable = {
        id: crypto.randomUUID(),
        org_id: request.actor.orgId,
        sandbox: request.actor.sandbox,
        name,
        description: request.body.description ?? null,
        schema: JSON.stringify(schema),
        primary_key: primaryKey ? JSON.stringify(primaryKey) : null,
        etag: newEtag(),
        created_at: now,
        updated_at: now,
        created_by: request.actor.userId,
      };
      await warehouse.ensureDataset(datasetDefinition(row));
      await insertResource(db, 'datasets', row);
      return sendCreated(reply, `/api/v1/datasets/${row.id}`, toDataset(row, { rowCount: 0, batchCount: 0 }));
    },
  );

  app.get<{ Querystring: ListParameters }>(
    '/datasets',
    { schema: { tags: ['datasets'], summary: 'List datasets', querystring: ListQuerystring } },
    async (request) => {
      if (wantsCount(request.query)) {
        return {
          count: await countResources(db, 'datasets', request.actor, parseFilters(request.query.property, FILTERS)),
        };
      }
      const query = parseListQuery(request.query, FILTERS);
      const rows = await listResources(db, 'datasets', request.actor, query);
      const stats = new Map<string, { rowCount: number; batchCount: number }>();
      for (const row of rows.slice(0, query.limit)) stats.set(row.id, await warehouse.stats(row.id));
      return listResponse(request, rows, query, request.query.orderby ?? '-createdAt', (row) =>
        toDataset(row, stats.get(row.id)),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/datasets/:id',
    {
      schema: { tags: ['datasets'], summary: 'Get a dataset with its stats over committed batches', params: IdParams },
    },
    async (request, reply) => {
      const row = await loadDataset(request.actor, request.params.id);
      return sendWithEtag(reply, toDataset(row, await warehouse.stats(row.id)));
    },
  );

  app.patch<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/datasets/:id',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Rename or describe a dataset with a JSON Merge Patch (If-Match required)',
        params: IdParams,
        body: Type.Record(Type.String(), Type.Unknown()),
      },
    },
    async (request, reply) => {
      const row = await loadDataset(request.actor, request.params.id);
      const etag = requireIfMatch(request, row.etag);
      if ('schema' in request.body || 'primaryKey' in request.body) {
        // NOTE: schema changes would need a warehouse migration of the existing rows; not supported yet.
        throw new TributaryError(
          'INVALID_DATASET_SCHEMA',
          'The schema and primary key of an existing dataset cannot be changed; create a new dataset and point the flow at it.',
          { errors: [{ path: 'schema', message: 'immutable' }] },
        );
      }
      const patched = mergePatch({ name: row.name, description: row.description }, request.body) as {
        name?: unknown;
        description?: unknown;
      };
      if (typeof patched.name !== 'string' || patched.name === '') {
        throw new TributaryError('VALIDATION_FAILED', 'name must be a non-empty string.', {
          errors: [{ path: 'name', message: 'required' }],
        });
      }
      const changes = {
        name: patched.name,
        description: typeof patched.description === 'string' ? patched.description : null,
        etag: newEtag(),
        updated_at: services.clock.now(),
      };
      if (!(await updateResource(db, 'datasets', request.actor, row.id, etag, changes))) {
        throw new TributaryError(
          'PRECONDITION_FAILED',
          'The dataset changed while it was being updated; read it again and retry.',
        );
      }
      return sendWithEtag(reply, toDataset({ ...row, ...changes }, await warehouse.stats(row.id)));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/datasets/:id',
    { schema: { tags: ['datasets'], summary: 'Delete a dataset and its rows', params: IdParams } },
    async (request, reply) => {
      const row = await loadDataset(request.actor, request.params.id);
      const flow = await db
        .selectFrom('flows')
        .select('id')
        .where('org_id', '=', request.actor.orgId)
        .where('sandbox', '=', request.actor.sandbox)
        .where('target_dataset_id', '=', row.id)
        .executeTakeFirst();
      if (flow) {
        throw new TributaryError(
          'RESOURCE_IN_USE',
          `Dataset '${row.id}' is the target of flow '${flow.id}'; delete that flow first.`,
        );
      }
      await deleteResource(db, 'datasets', request.actor, row.id);
      await warehouse.dropDataset(row.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: string }; Querystring: PageQuery }>(
    '/datasets/:id/batches',
    {
      schema: {
        tags: ['datasets'],
        summary: 'List the batches of a dataset, newest first',
        params: IdParams,
        querystring: PageQuery,
      },
    },
    async (request) => {
      const row = await loadDataset(request.actor, request.params.id);
      const limit = request.query.limit ?? 100;
      const offset = decodeOffset(request.query.continuationToken);
      const batches = await warehouse.listBatches(row.id, { limit: limit + 1, offset });
      const items = batches.slice(0, limit).map((batch) => ({
        id: batch.id,
        datasetId: batch.datasetId,
        runId: batch.runId,
        status: batch.status,
        recordCount: batch.recordCount,
        createdAt: formatInstant(batch.createdAt),
        committedAt: formatOptionalInstant(batch.committedAt),
      }));
      const more = batches.length > limit ? offset + limit : null;
      return { items, _links: nextLink(`/api/v1/datasets/${row.id}/batches`, request.query, more) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: PageQuery }>(
    '/datasets/:id/rows',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Preview the visible rows of a dataset or of one batch',
        params: IdParams,
        querystring: PageQuery,
      },
    },
    async (request) => {
      const row = await loadDataset(request.actor, request.params.id);
      const limit = request.query.limit ?? 100;
      const offset = decodeOffset(request.query.continuationToken);
      const page = await warehouse.readRows(datasetDefinition(row), {
        limit,
        offset,
        ...(request.query.batchId ? { batchId: request.query.batchId } : {}),
      });
      return { items: page.items, _links: nextLink(`/api/v1/datasets/${row.id}/rows`, request.query, page.nextOffset) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: typeof ExportQuery.static }>(
    '/datasets/:id/export',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Export a dataset or one batch as CSV or NDJSON',
        params: IdParams,
        querystring: ExportQuery,
      },
    },
    async (request, reply) => {
      const row = await loadDataset(request.actor, request.params.id);
      const format = request.query.format ?? 'csv';
      const suffix = request.query.batchId ? `-${request.query.batchId}` : '';
      const chunks = exportDataset(warehouse, datasetDefinition(row), {
        format,
        ...(request.query.batchId ? { batchId: request.query.batchId } : {}),
      });
      return reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${row.name.replace(/[^A-Za-z0-9_.-]/g, '_')}${suffix}.${format}"`,
        )
        .send(Readable.from(chunks));
    },
  );
}
