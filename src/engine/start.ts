import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.ts';
import type { SecretBox } from '../config/secrets.ts';
import type { Warehouse } from '../datasets/types.ts';
import type { Clock } from '../domain/time.ts';
import type { Store } from '../store/store.ts';
import { createEngineMetrics } from './metrics.ts';
import type { RunPreparer } from './pipeline.ts';
import { createRealPreparer } from './real-pipeline.ts';
import type { ExecutorSettings, RunEventListener } from './run-executor.ts';
import { Scheduler } from './scheduler.ts';
import { Worker } from './worker.ts';

export interface EngineOptions {
  store: Store;
  warehouse: Warehouse;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Decrypts account secrets for the real pipeline; not needed with `preparer`. */
  secretBox?: SecretBox;
  /** Prometheus registry for the engine's metrics. */
  metrics?: Registry;
  /** Run the scheduler in this process. */
  scheduler: boolean;
  /** Runs executed at once by this process; 0 runs no worker. */
  workers: number;
  /** Replaces the real pipeline, so that tests read an in-memory source. */
  preparer?: RunPreparer;
  /** Told of run starts and ends, for webhooks. */
  events?: RunEventListener;
  /** Time running runs get to finish on stop before their leases are given back; default 10 s. */
  shutdownGraceMs?: number;
}

export interface Engine {
  scheduler: Scheduler | null;
  worker: Worker | null;
  stop(): Promise<void>;
}

const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

export function executorSettings(config: Config): ExecutorSettings {
  return {
    leaseMs: config.leaseSeconds * 1000,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    noProgressTimeoutMs: config.noProgressTimeoutSeconds * 1000,
    maxRunMs: config.maxRunSeconds * 1000,
    transientRetryAttempts: config.transientRetryAttempts,
    transientRetryBaseDelayMs: config.transientRetryBaseDelayMs,
  };
}

/** Starts the scheduler and the workers of one process; `serve` and `worker` call it. */
export async function startEngine(options: EngineOptions): Promise<Engine> {
  const { store, config, logger, clock } = options;
  const db = store.db;

  const scheduler = options.scheduler
    ? new Scheduler({ db, clock, logger, intervalMs: config.schedulerIntervalMs })
    : null;

  let worker: Worker | null = null;
  if (options.workers > 0) {
    const preparer = options.preparer ?? realPreparer(options);
    const metrics = options.metrics ? createEngineMetrics(options.metrics, db, clock) : undefined;
    worker = new Worker({
      store,
      clock,
      logger,
      concurrency: options.workers,
      pollIntervalMs: config.pollIntervalMs,
      executor: {
        db,
        preparer,
        clock,
        logger,
        settings: executorSettings(config),
        ...(metrics ? { metrics } : {}),
        ...(options.events ? { events: options.events } : {}),
      },
    });
  } else if (options.metrics) {
    createEngineMetrics(options.metrics, db, clock);
  }

  scheduler?.start();
  worker?.start();
  logger.info({ scheduler: options.scheduler, workers: options.workers, workerId: worker?.id }, 'engine started');

  return {
    scheduler,
    worker,
    stop: async () => {
      await scheduler?.stop();
      await worker?.stop(options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      logger.info('engine stopped');
    },
  };
}

function realPreparer(options: EngineOptions): RunPreparer {
  if (!options.secretBox) throw new Error('startEngine needs a secretBox to decrypt account secrets, or a preparer.');
  return createRealPreparer({
    db: options.store.db,
    warehouse: options.warehouse,
    secretBox: options.secretBox,
    fileRoots: options.config.fileRoots,
  });
}
