import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { TributaryError } from '../../domain/errors.ts';
import { formatInstant } from '../../domain/time.ts';
import type { SandboxesTable } from '../../store/schema.ts';
import { createSandbox, findSandbox, listSandboxes } from '../../store/tenancy.ts';
import type { ApiServices } from '../context.ts';
import { sendCreated } from '../http.ts';

const SandboxBody = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'Lower-case letters, digits and hyphens' }),
    title: Type.Optional(Type.String({ maxLength: 200 })),
    type: Type.Optional(Type.Union([Type.Literal('production'), Type.Literal('development')])),
  },
  { additionalProperties: false },
);

function toSandbox(row: SandboxesTable) {
  return {
    name: row.name,
    title: row.title,
    type: row.type,
    isDefault: row.is_default === 1,
    createdAt: formatInstant(row.created_at),
  };
}

export function registerSandboxRoutes(app: FastifyInstance, services: ApiServices): void {
  const db = services.store.db;

  app.get(
    '/sandboxes',
    { schema: { tags: ['sandboxes'], summary: 'List the sandboxes of the organization' } },
    async (request) => {
      const rows = await listSandboxes(db, request.actor.orgId);
      return { items: rows.map(toSandbox), _links: {} };
    },
  );

  app.get<{ Params: { name: string } }>(
    '/sandboxes/:name',
    { schema: { tags: ['sandboxes'], summary: 'Get one sandbox' } },
    async (request) => {
      const row = await findSandbox(db, request.actor.orgId, request.params.name);
      if (!row)
        throw new TributaryError('NOT_FOUND', `No sandbox named '${request.params.name}' exists in this organization.`);
      return toSandbox(row);
    },
  );

  app.post<{ Body: typeof SandboxBody.static }>(
    '/sandboxes',
    { schema: { tags: ['sandboxes'], summary: 'Create a sandbox', body: SandboxBody } },
    async (request, reply) => {
      if (request.actor.role !== 'admin') {
        throw new TributaryError('FORBIDDEN', 'Only an admin can create sandboxes; use an admin token.');
      }
      const { name } = request.body;
      if (await findSandbox(db, request.actor.orgId, name)) {
        throw new TributaryError('NAME_TAKEN', `A sandbox named '${name}' already exists; choose another name.`);
      }
      const row = await createSandbox(
        db,
        request.actor.orgId,
        { name, title: request.body.title ?? name, type: request.body.type ?? 'development' },
        services.clock.now(),
      );
      return sendCreated(reply, `/api/v1/sandboxes/${name}`, toSandbox(row));
    },
  );
}
