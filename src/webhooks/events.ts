import type { Store } from '../store/store.ts';
import type { Scope } from '../store/tenancy.ts';
import { enqueueDeliveries } from '../store/webhooks.ts';
import type { WebhookEvent } from './dispatcher.ts';

/** Queues a run event for every webhook of the run's sandbox that subscribes to it. */
export async function publishRunEvent(
  store: Store,
  scope: Scope,
  event: WebhookEvent,
  run: { id: string },
  nowMs: number,
): Promise<number> {
  const payload = JSON.stringify({ event, createdAt: new Date(nowMs).toISOString(), run });
  return enqueueDeliveries(store.db, scope, event, run.id, payload, nowMs);
}
