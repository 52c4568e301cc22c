import type { Logger } from 'pino';
import type { SecretBox } from '../config/secrets.ts';
import type { Clock } from '../domain/time.ts';
import type { Store } from '../store/store.ts';
import { claimDelivery, findDueDeliveries, recordDeliveryAttempt, type DueDelivery } from '../store/webhooks.ts';
import { signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.ts';

export const WEBHOOK_EVENTS = ['run.started', 'run.succeeded', 'run.failed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface DispatcherOptions {
  store: Store;
  secretBox: SecretBox;
  clock: Clock;
  logger: Logger;
  pollIntervalMs?: number;
  requestTimeoutMs?: number;
  /** Attempts before a delivery is marked failed. */
  maxAttempts?: number;
  /** Ceiling of the first retry delay; each later one doubles, with full jitter, up to `maxRetryDelayMs`. */
  baseRetryDelayMs?: number;
  maxRetryDelayMs?: number;
}

const DEFAULTS = {
  pollIntervalMs: 1000,
  requestTimeoutMs: 10_000,
  maxAttempts: 8,
  baseRetryDelayMs: 5000,
  maxRetryDelayMs: 3_600_000,
};

/**
 * Sends pending webhook deliveries. Each attempt is recorded; a failed one is retried with
 * exponential backoff and full jitter until `maxAttempts`, then marked failed.
 */
export class WebhookDispatcher {
  readonly #options: DispatcherOptions & typeof DEFAULTS;
  #stopping = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: DispatcherOptions) {
    this.#options = { ...DEFAULTS, ...options };
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
  }

  /** Attempts every delivery that is due now; returns how many were attempted. */
  async deliverDue(): Promise<number> {
    const { store, clock } = this.#options;
    const due = await findDueDeliveries(store.db, clock.now(), 20);
    let attempted = 0;
    for (const delivery of due) {
      const leaseUntil = clock.now() + 2 * this.#options.requestTimeoutMs;
      if (!(await claimDelivery(store.db, delivery, leaseUntil))) continue;
      await this.#attempt(delivery);
      attempted += 1;
    }
    return attempted;
  }

  async #attempt(delivery: DueDelivery): Promise<void> {
    const { store, clock, logger, secretBox } = this.#options;
    const timestampSeconds = Math.floor(clock.now() / 1000);
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': delivery.id,
          'webhook-event': delivery.event,
          [TIMESTAMP_HEADER]: String(timestampSeconds),
          [SIGNATURE_HEADER]: signPayload(secretBox.decrypt(delivery.secret), timestampSeconds, delivery.payload),
        },
        body: delivery.payload,
        signal: AbortSignal.timeout(this.#options.requestTimeoutMs),
      });
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (cause) {
      error = (cause as Error).message;
    }

    const now = clock.now();
    if (error === null) {
      await recordDeliveryAttempt(store.db, delivery, {
        status: 'delivered',
        last_error: null,
        next_attempt_at: now,
        delivered_at: now,
      });
      return;
    }

    const attempts = delivery.attempts + 1;
    const giveUp = attempts >= this.#options.maxAttempts;
    const ceiling = Math.min(this.#options.maxRetryDelayMs, this.#options.baseRetryDelayMs * 2 ** (attempts - 1));
    logger.warn(
      { deliveryId: delivery.id, webhookId: delivery.webhook_id, runId: delivery.run_id, attempts, error, giveUp },
      'webhook delivery failed',
    );
    await recordDeliveryAttempt(store.db, delivery, {
      status: giveUp ? 'failed' : 'pending',
      last_error: error,
      next_attempt_at: now + Math.round(Math.random() * ceiling),
      delivered_at: null,
    });
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      try {
        await this.deliverDue();
      } catch (error) {
        this.#options.logger.error({ err: error }, 'webhook dispatch failed');
      }

      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#options.pollIntervalMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
