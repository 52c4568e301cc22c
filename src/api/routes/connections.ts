import crypto from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { getConnector, listConnectionSpecs } from '../../connectors/registry.ts';
import type { ConnectionSpec, Connector } from '../../connectors/types.ts';
import { notFound, TributaryError } from '../../domain/errors.ts';
import { formatInstant } from '../../domain/time.ts';
import { connectionContext, splitSecretParams } from '../../engine/connection-context.ts';
import {
  countResources,
  deleteResource,
  getResource,
  insertResource,
  listResources,
  updateResource,
} from '../../store/resources.ts';
import type { ConnectionsTable } from '../../store/schema.ts';
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

const ConnectionBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    connectionSpec: Type.Object({ id: Type.String(), version: Type.Optional(Type.String()) }),
    auth: Type.Object({ params: Type.Record(Type.String(), Type.Unknown()) }),
  },
  { additionalProperties: false },
);
type ConnectionBody = typeof ConnectionBody.static;

const ExploreBody = Type.Object(
  {
    path: Type.Optional(Type.String()),
    object: Type.Optional(Type.String()),
    data: Type.Optional(
      Type.Object({ format: Type.String(), properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
    ),
    previewRows: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

const FILTERS = { name: 'name', connectionSpecId: 'spec_id' };

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();

export function requireConnector(specId: string): Connector {
  const connector = getConnector(specId);
  if (!connector) {
    const known = listConnectionSpecs()
      .map((spec) => spec.id)
      .join(', ');
    throw new TributaryError(
      'UNKNOWN_CONNECTION_SPEC',
      `connectionSpec.id '${specId}' is unknown; use one of: ${known}.`,
      {
        errors: [{ path: 'connectionSpec.id', message: 'unknown connection spec' }],
      },
    );
  }
  return connector;
}

/** Checks account parameters against the spec's JSON Schema; the message never echoes secret values. */
function validateAuthParams(spec: ConnectionSpec, params: Record<string, unknown>): void {
  let validate = validators.get(spec.id);
  if (!validate) {
    validate = ajv.compile(spec.authSpec);
    validators.set(spec.id, validate);
  }
  if (validate(params)) return;

  const errors = (validate.errors ?? []).map((issue) => {
    const missing = (issue.params as { missingProperty?: string }).missingProperty;
    const property = missing ?? issue.instancePath.split('/').filter(Boolean).join('.');
    return { path: `auth.params${property ? `.${property}` : ''}`, message: issue.message ?? 'is invalid' };
  });
  const detail = errors.map((e) => `${e.path} ${e.message}`).join('; ');
  throw new TributaryError('INVALID_CONNECTION_PARAMS', `The ${spec.id} account parameters are invalid: ${detail}.`, {
    errors,
  });
}

function toConnection(row: ConnectionsTable, spec: ConnectionSpec | undefined) {
  const secretNames = spec?.secretParams ?? [];
  return {
    id: row.id,
    etag: row.etag,
    name: row.name,
    description: row.description,
    connectionSpec: { id: row.spec_id, name: spec?.name ?? row.spec_id, sourceKind: spec?.sourceKind },
    // Secrets are write-only: only the names of those that are set are returned.
    auth: {
      params: JSON.parse(row.params) as Record<string, unknown>,
      secretParamsSet: row.secrets ? secretNames : [],
    },
    sandboxName: row.sandbox,
    createdAt: formatInstant(row.created_at),
    updatedAt: formatInstant(row.updated_at),
    createdBy: row.created_by,
  };
}

export function registerConnectionRoutes(app: FastifyInstance, services: ApiServices): void {
  const db = services.store.db;

  app.get(
    '/connectionSpecs',
    { schema: { tags: ['connectionSpecs'], summary: 'List the connector catalog' } },
    async () => {
      return { items: listConnectionSpecs(), _links: {} };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/connectionSpecs/:id',
    { schema: { tags: ['connectionSpecs'], summary: 'Get one connection spec', params: IdParams } },
    async (request) => requireConnector(request.params.id).spec,
  );

  app.post<{ Body: ConnectionBody }>(
    '/connections',
    { schema: { tags: ['connections'], summary: 'Create an account (base connection)', body: ConnectionBody } },
    async (request, reply) => {
      const connector = requireConnector(request.body.connectionSpec.id);
      const params = request.body.auth.params;
      validateAuthParams(connector.spec, params);
      await connector.validateAccount?.({ params, fileRoots: services.config.fileRoots });
      const { publicParams, secretParams } = splitSecretParams(params, connector.spec.secretParams);

      const now = services.clock.now();
      const row: ConnectionsTable = {
        id: crypto.randomUUID(),
        org_id: request.actor.orgId,
        sandbox: request.actor.sandbox,
        name: request.body.name,
        description: request.body.description ?? null,
        spec_id: connector.spec.id,
        params: JSON.stringify(publicParams),
        secrets: Object.keys(secretParams).length > 0 ? services.secretBox.encryptJson(secretParams) : null,
        etag: newEtag(),
        created_at: now,
        updated_at: now,
        created_by: request.actor.userId,
      };
      await insertResource(db, 'connections', row);
      request.log.info({ connectionId: row.id, specId: row.spec_id }, 'connection created');
      return sendCreated(reply, `/api/v1/connections/${row.id}`, toConnection(row, connector.spec));
    },
  );

  app.get<{ Querystring: ListParameters }>(
    '/connections',
    { schema: { tags: ['connections'], summary: 'List accounts', querystring: ListQuerystring } },
    async (request) => {
      if (wantsCount(request.query)) {
        return {
          count: await countResources(db, 'connections', request.actor, parseFilters(request.query.property, FILTERS)),
        };
      }
      const query = parseListQuery(request.query, FILTERS);
      const rows = await listResources(db, 'connections', request.actor, query);
      return listResponse(request, rows, query, request.query.orderby ?? '-createdAt', (row) =>
        toConnection(row, getConnector(row.spec_id)?.spec),
      );
    },
  );

  const loadConnection = async (actor: Scope, id: string) => {
    const row = await getResource(db, 'connections', actor, id);
    if (!row) throw notFound('connection', id);
    return row;
  };

  app.get<{ Params: { id: string } }>(
    '/connections/:id',
    { schema: { tags: ['connections'], summary: 'Get an account', params: IdParams } },
    async (request, reply) => {
      const row = await loadConnection(request.actor, request.params.id);
      return sendWithEtag(reply, toConnection(row, getConnector(row.spec_id)?.spec));
    },
  );

  app.patch<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/connections/:id',
    {
      schema: {
        tags: ['connections'],
        summary: 'Update an account with a JSON Merge Patch (If-Match required)',
        params: IdParams,
        body: Type.Record(Type.String(), Type.Unknown()),
      },
    },
    async (request, reply) => {
      const row = await loadConnection(request.actor, request.params.id);
      const etag = requireIfMatch(request, row.etag);
      const connector = requireConnector(row.spec_id);

      // The patch applies to the full parameters, secrets included, so that required secrets stay set.
      const current = connectionContext(row, services.secretBox, services.config.fileRoots).params;
      const patched = mergePatch(
        { name: row.name, description: row.description, auth: { params: current } },
        request.body,
      ) as { name?: unknown; description?: unknown; auth?: { params?: Record<string, unknown> } };
      if (typeof patched.name !== 'string' || patched.name === '') {
        throw new TributaryError('VALIDATION_FAILED', 'name must be a non-empty string.', {
          errors: [{ path: 'name', message: 'required' }],
        });
      }
      const params = patched.auth?.params ?? {};
      validateAuthParams(connector.spec, params);
      await connector.validateAccount?.({ params, fileRoots: services.config.fileRoots });
      const { publicParams, secretParams } = splitSecretParams(params, connector.spec.secretParams);

      const changes = {
        name: patched.name,
        description: typeof patched.description === 'string' ? patched.description : null,
        params: JSON.stringify(publicParams),
        secrets: Object.keys(secretParams).length > 0 ? services.secretBox.encryptJson(secretParams) : null,
        etag: newEtag(),
        updated_at: services.clock.now(),
      };
      if (!(await updateResource(db, 'connections', request.actor, row.id, etag, changes))) {
        throw new TributaryError(
          'PRECONDITION_FAILED',
          'The account changed while it was being updated; read it again and retry.',
        );
      }
      return sendWithEtag(reply, toConnection({ ...row, ...changes }, connector.spec));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/connections/:id',
    { schema: { tags: ['connections'], summary: 'Delete an account', params: IdParams } },
    async (request, reply) => {
      const row = await loadConnection(request.actor, request.params.id);
      const used = await db
        .selectFrom('source_connections')
        .select('id')
        .where('org_id', '=', request.actor.orgId)
        .where('sandbox', '=', request.actor.sandbox)
        .where('base_connection_id', '=', row.id)
        .executeTakeFirst();
      if (used) {
        throw new TributaryError(
          'RESOURCE_IN_USE',
          `Account '${row.id}' is used by source connection '${used.id}'; delete that source connection first.`,
        );
      }
      await deleteResource(db, 'connections', request.actor, row.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/connections/:id/test',
    {
      schema: { tags: ['connections'], summary: 'Check that the account can connect', params: IdParams },
      config: { readOnly: true },
    },
    async (request) => {
      const row = await loadConnection(request.actor, request.params.id);
      const connector = requireConnector(row.spec_id);
      await connector.check(connectionContext(row, services.secretBox, services.config.fileRoots));
      return { status: 'ok' };
    },
  );

  app.post<{ Params: { id: string }; Body: typeof ExploreBody.static }>(
    '/connections/:id/explore',
    {
      schema: {
        tags: ['connections'],
        summary: 'List folders and files, or schemas and tables, and preview one of them',
        params: IdParams,
        body: ExploreBody,
      },
      config: { readOnly: true },
    },
    async (request) => {
      const row = await loadConnection(request.actor, request.params.id);
      const connector = requireConnector(row.spec_id);
      return connector.explore(
        connectionContext(row, services.secretBox, services.config.fileRoots),
        request.body ?? {},
      );
    },
  );

  // GET form of explore, for browsers and curl: ?path=…&object=…
  app.get<{ Params: { id: string }; Querystring: { path?: string; object?: string } }>(
    '/connections/:id/explore',
    { schema: { tags: ['connections'], summary: 'Explore with query parameters', params: IdParams } },
    async (request) => {
      const row = await loadConnection(request.actor, request.params.id);
      const connector = requireConnector(row.spec_id);
      const { path, object } = request.query;
      return connector.explore(connectionContext(row, services.secretBox, services.config.fileRoots), {
        ...(path ? { path } : {}),
        ...(object ? { object } : {}),
      });
    },
  );
}
