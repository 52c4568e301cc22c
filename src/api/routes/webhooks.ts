import crypto from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { notFound, TributaryError } from '../../domain/errors.ts';
import { formatInstant, formatOptionalInstant } from '../../domain/time.ts';
import type { WebhookDeliveriesTable, WebhooksTable } from '../../store/schema.ts';
import { deleteWebhook, getWebhook, insertWebhook, listDeliveries, listWebhooks } from '../../store/webhooks.ts';
import { WEBHOOK_EVENTS } from '../../webhooks/dispatcher.ts';
import type { ApiServices } from '../context.ts';
import { sendCreated } from '../http.ts';
import { IdParams } from '../schemas.ts';

const WebhookBody = Type.Object(
  {
    url: Type.String({ format: 'uri', maxLength: 2000 }),
    events: Type.Array(Type.Union(WEBHOOK_EVENTS.map((event) => Type.Literal(event))), {
      minItems: 1,
      uniqueItems: true,
    }),
    secret: Type.String({
      minLength: 16,
      maxLength: 200,
      writeOnly: true,
      description: 'HMAC-SHA256 signing key; never returned',
    }),
  },
  { additionalProperties: false },
);
type WebhookBody = typeof WebhookBody.static;

function toWebhook(row: WebhooksTable) {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    sandboxName: row.sandbox,
    createdAt: formatInstant(row.created_at),
  };
}

function toDelivery(row: WebhookDeliveriesTable) {
  return {
    id: row.id,
    runId: row.run_id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.status === 'pending' ? formatInstant(row.next_attempt_at) : null,
    createdAt: formatInstant(row.created_at),
    deliveredAt: formatOptionalInstant(row.delivered_at),
  };
}

/** Webhooks per sandbox for run start, success and failure. */
export function registerWebhookRoutes(app: FastifyInstance, services: ApiServices): void {
  const db = services.store.db;

  app.post<{ Body: WebhookBody }>(
    '/webhooks',
    { schema: { tags: ['webhooks'], summary: 'Subscribe a URL to run events of this sandbox', body: WebhookBody } },
    async (request, reply) => {
      if (!/^https?:\/\//i.test(request.body.url)) {
        throw new TributaryError(
          'VALIDATION_FAILED',
          `url '${request.body.url}' must start with http:// or https://.`,
          {
            errors: [{ path: 'url', message: 'unsupported scheme' }],
          },
        );
      }
      const row: WebhooksTable = {
        id: crypto.randomUUID(),
        org_id: request.actor.orgId,
        sandbox: request.actor.sandbox,
        url: request.body.url,
        secret: services.secretBox.encrypt(request.body.secret),
        events: JSON.stringify(request.body.events),
        created_at: services.clock.now(),
      };
      await insertWebhook(db, row);
      return sendCreated(reply, `/api/v1/webhooks/${row.id}`, toWebhook(row));
    },
  );

  app.get(
    '/webhooks',
    { schema: { tags: ['webhooks'], summary: 'List the webhooks of this sandbox' } },
    async (request) => {
      return { items: (await listWebhooks(db, request.actor)).map(toWebhook), _links: {} };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/webhooks/:id/deliveries',
    { schema: { tags: ['webhooks'], summary: 'List the latest deliveries of a webhook', params: IdParams } },
    async (request) => {
      const hook = await getWebhook(db, request.actor, request.params.id);
      if (!hook) throw notFound('webhook', request.params.id);
      return { items: (await listDeliveries(db, hook.id, 100)).map(toDelivery), _links: {} };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/webhooks/:id',
    { schema: { tags: ['webhooks'], summary: 'Delete a webhook and its delivery records', params: IdParams } },
    async (request, reply) => {
      if (!(await deleteWebhook(db, request.actor, request.params.id))) throw notFound('webhook', request.params.id);
      return reply.code(204).send();
    },
  );
}
