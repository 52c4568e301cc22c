import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, WebhookDeliveriesTable, WebhooksTable } from './schema.ts';
import type { Scope } from './tenancy.ts';

// Every SQL statement about webhooks and their deliveries.

export async function insertWebhook(db: Kysely<Database>, row: WebhooksTable): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export async function listWebhooks(db: Kysely<Database>, scope: Scope): Promise<WebhooksTable[]> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('org_id', '=', scope.orgId)
    .where('sandbox', '=', scope.sandbox)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function getWebhook(db: Kysely<Database>, scope: Scope, id: string): Promise<WebhooksTable | undefined> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('org_id', '=', scope.orgId)
    .where('sandbox', '=', scope.sandbox)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deleteWebhook(db: Kysely<Database>, scope: Scope, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhooks')
    .where('org_id', '=', scope.orgId)
    .where('sandbox', '=', scope.sandbox)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 1) {
    await db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
    return true;
  }
  return false;
}

/** Records one pending delivery per webhook of the sandbox that subscribes to the event. */
export async function enqueueDeliveries(
  db: Kysely<Database>,
  scope: Scope,
  event: string,
  runId: string,
  payload: string,
  nowMs: number,
): Promise<number> {
  const hooks = await listWebhooks(db, scope);
  const subscribed = hooks.filter((hook) => (JSON.parse(hook.events) as string[]).includes(event));
  if (subscribed.length === 0) return 0;

  await db
    .insertInto('webhook_deliveries')
    .values(
      subscribed.map((hook) => ({
        id: crypto.randomUUID(),
        webhook_id: hook.id,
        run_id: runId,
        event,
        payload,
        status: 'pending' as const,
        attempts: 0,
        last_error: null,
        next_attempt_at: nowMs,
        created_at: nowMs,
        delivered_at: null,
      })),
    )
    .execute();
  return subscribed.length;
}

export type DueDelivery = WebhookDeliveriesTable & { url: string; secret: string };

export async function findDueDeliveries(db: Kysely<Database>, nowMs: number, limit: number): Promise<DueDelivery[]> {
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .selectAll('webhook_deliveries')
    .select(['webhooks.url', 'webhooks.secret'])
    .where('webhook_deliveries.status', '=', 'pending')
    .where('webhook_deliveries.next_attempt_at', '<=', nowMs)
    .orderBy('webhook_deliveries.next_attempt_at')
    .limit(limit)
    .execute();
}

/**
 * Takes one attempt of a delivery by pushing its next attempt time past the request timeout. Only
 * one process succeeds for a given `next_attempt_at`, so several dispatchers never send it twice.
 */
export async function claimDelivery(
  db: Kysely<Database>,
  delivery: Pick<WebhookDeliveriesTable, 'id' | 'next_attempt_at'>,
  leaseUntilMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: leaseUntilMs })
    .where('id', '=', delivery.id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', delivery.next_attempt_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Moves a pending delivery on, only if it is still pending with the same attempt count, so that two
 * dispatchers never record the same attempt twice.
 */
export async function recordDeliveryAttempt(
  db: Kysely<Database>,
  delivery: Pick<WebhookDeliveriesTable, 'id' | 'attempts'>,
  outcome: Pick<WebhookDeliveriesTable, 'status' | 'last_error' | 'next_attempt_at' | 'delivered_at'>,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ ...outcome, attempts: delivery.attempts + 1 })
    .where('id', '=', delivery.id)
    .where('status', '=', 'pending')
    .where('attempts', '=', delivery.attempts)
    .execute();
}

export async function listDeliveries(
  db: Kysely<Database>,
  webhookId: string,
  limit: number,
): Promise<WebhookDeliveriesTable[]> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
