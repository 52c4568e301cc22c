import type { Logger } from 'pino';
import { ConnectorError } from '../connectors/types.ts';
import { backoffDelayMs } from '../domain/backoff.ts';
import { isTributaryError } from '../domain/errors.ts';
import type { Clock } from '../domain/time.ts';
import { completeRun, endRun } from '../store/runs/completeRun.ts';
import { findSucceededRunsOfWindow } from '../store/runs/findFlowRuns.ts';
import { getRetryChain } from '../store/runs/getRun.ts';
import { releaseLease, renewLease } from '../store/runs/renewLease.ts';
import { emptyMetrics, type Db, type Run, type RunError, type RunMetrics } from '../store/runs/run.ts';
import { RunStop, stopOf } from './abort.ts';
import { ingestAttempt } from './ingest.ts';
import type { EngineMetrics } from './metrics.ts';
import type { RunPreparer } from './pipeline.ts';
import { delay } from './sleeper.ts';

export interface ExecutorSettings {
  leaseMs: number;
  heartbeatIntervalMs: number;
  noProgressTimeoutMs: number;
  maxRunMs: number;
  /** Attempts of the read after transient errors, the first included. */
  transientRetryAttempts: number;
  transientRetryBaseDelayMs: number;
}

/** Receives run starts and ends, for webhooks; a listener's failure never changes the run. */
export interface RunEventListener {
  runStarted(run: Run): Promise<void>;
  runFinished(runId: string, status: 'success' | 'failed' | 'cancelled'): Promise<void>;
}

export interface ExecutorDeps {
  db: Db;
  preparer: RunPreparer;
  clock: Clock;
  logger: Logger;
  settings: ExecutorSettings;
  metrics?: EngineMetrics;
  events?: RunEventListener;
  random?: () => number;
}

// Transient retries wait at most this long between two attempts.
const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Executes a claimed run to its end: success, failed or cancelled, or released back to the queue
 * when `shutdown` aborts. About once a second the heartbeat renews the lease, writes progress, and
 * notices cancels, stalls and the maximum run time.
 */
export async function executeRun(deps: ExecutorDeps, run: Run, owner: string, shutdown: AbortSignal): Promise<void> {
  const log = deps.logger.child({ runId: run.id, flowId: run.flowId, attempt: run.attempt });
  const metrics: RunMetrics = { ...emptyMetrics, ...run.metrics };

  if (run.cancelRequested) {
    await endRun(deps.db, {
      runId: run.id,
      owner,
      now: deps.clock.now(),
      status: 'cancelled',
      metrics,
      errors: [cancelledError],
    });
    deps.metrics?.runFinished('cancelled');
    log.info('run cancelled before it started');
    await notify(log, () => deps.events?.runFinished(run.id, 'cancelled'));
    return;
  }

  const controller = new AbortController();
  const onShutdown = () => controller.abort(new RunStop('shutdown', 'The worker is shutting down.'));
  shutdown.addEventListener('abort', onShutdown, { once: true });
  const heartbeat = startHeartbeat(deps, run, owner, metrics, controller);
  log.info('run started');
  await notify(log, () => deps.events?.runStarted(run));

  try {
    const outcome = await attemptWithRetries(deps, run, owner, metrics, controller, log, heartbeat);
    await heartbeat.stop();
    await finish(deps, run, owner, metrics, outcome, log);
  } finally {
    await heartbeat.stop();
    shutdown.removeEventListener('abort', onShutdown);
  }
}

type Outcome =
  | { kind: 'success'; batchId: string; supersededRunIds: string[] }
  | { kind: 'failed'; error: RunError }
  | { kind: 'stopped'; stop: RunStop };

const cancelledError: RunError = { code: 'RUN_CANCELLED', message: 'The run was cancelled by a user.' };

async function attemptWithRetries(
  deps: ExecutorDeps,
  run: Run,
  owner: string,
  metrics: RunMetrics,
  controller: AbortController,
  log: Logger,
  heartbeat: Heartbeat,
): Promise<Outcome> {
  const { settings } = deps;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const prepared = await deps.preparer.prepare(run);
      const supersede = await runsToSupersede(deps.db, run);
      const result = await ingestAttempt(run, prepared, {
        db: deps.db,
        signal: controller.signal,
        metrics,
        supersedesBatchIds: supersede.batchIds,
        beforeCommit: async () => {
          await confirmLease(deps, run, owner, metrics, controller);
          heartbeat.committing();
        },
      });
      if (result.recovered)
        log.info({ batchId: result.batchId }, 'run found its batch committed by an earlier attempt');
      return { kind: 'success', batchId: result.batchId, supersededRunIds: supersede.runIds };
    } catch (error) {
      const stop = stopOf(controller.signal);
      if (stop) return { kind: 'stopped', stop };

      if (error instanceof ConnectorError && error.transient && attempt < settings.transientRetryAttempts) {
        const waitMs = backoffDelayMs(
          attempt,
          { baseMs: settings.transientRetryBaseDelayMs, maxMs: MAX_RETRY_DELAY_MS },
          deps.random,
        );
        log.warn(
          { err: error, code: error.code, retryInMs: waitMs, readAttempt: attempt },
          'transient source error, retrying',
        );
        await delay(waitMs, controller.signal);
        const stopped = stopOf(controller.signal);
        if (stopped) return { kind: 'stopped', stop: stopped };
        continue;
      }
      return { kind: 'failed', error: runErrorOf(error, log) };
    }
  }
}

async function finish(deps: ExecutorDeps, run: Run, owner: string, metrics: RunMetrics, outcome: Outcome, log: Logger) {
  const now = deps.clock.now();

  if (outcome.kind === 'success') {
    const completed = await completeRun(deps.db, {
      runId: run.id,
      owner,
      now,
      metrics,
      batchId: outcome.batchId,
      supersededRunIds: outcome.supersededRunIds,
    });
    if (!completed) {
      log.warn({ batchId: outcome.batchId }, 'run lost its lease before completion');
      return;
    }
    deps.metrics?.runFinished('success');
    deps.metrics?.recordsIngested(metrics.outputRecordCount);
    log.info({ records: metrics.outputRecordCount, durationMs: now - (run.startedAt ?? now) }, 'run succeeded');
    await notify(log, () => deps.events?.runFinished(run.id, 'success'));
    return;
  }

  if (outcome.kind === 'failed') {
    if (!(await endRun(deps.db, { runId: run.id, owner, now, status: 'failed', metrics, errors: [outcome.error] }))) {
      log.warn({ code: outcome.error.code }, 'run lost its lease before it failed');
      return;
    }
    deps.metrics?.runFinished('failed');
    log.warn({ code: outcome.error.code }, 'run failed');
    await notify(log, () => deps.events?.runFinished(run.id, 'failed'));
    return;
  }

  const { stop } = outcome;
  if (stop.kind === 'shutdown') {
    await releaseLease(deps.db, run.id, owner, now);
    log.info('run released for another worker');
    return;
  }
  if (stop.kind === 'leaseLost') {
    log.warn('run lease lost to another worker');
    return;
  }
  const status = stop.kind === 'cancelled' ? 'cancelled' : 'failed';
  if (!(await endRun(deps.db, { runId: run.id, owner, now, status, metrics, errors: [stop.toRunError()] }))) {
    log.warn({ code: stop.toRunError().code }, 'run lost its lease before it stopped');
    return;
  }
  deps.metrics?.runFinished(status);
  log.warn({ code: stop.toRunError().code }, 'run stopped');
  await notify(log, () => deps.events?.runFinished(run.id, status));
}

async function notify(log: Logger, send: () => Promise<void> | undefined): Promise<void> {
  try {
    await send();
  } catch (error) {
    log.error({ err: error }, 'run event listener failed');
  }
}

/**
 * Lists the batches this run replaces when it succeeds: those of the runs it retries, following
 * `retryOf`, and of other successful runs of exactly its window, so a re-run never duplicates rows.
 */
async function runsToSupersede(db: Db, run: Run): Promise<{ runIds: string[]; batchIds: string[] }> {
  const chain = await getRetryChain(db, run);
  const sameWindow =
    run.trigger === 'retry'
      ? await findSucceededRunsOfWindow(db, run.flowId, { startMs: run.windowStart, endMs: run.windowEnd })
      : [];
  const replaced = new Map<string, Run>();
  for (const other of [...chain, ...sameWindow]) if (other.id !== run.id) replaced.set(other.id, other);
  return {
    runIds: [...replaced.keys()],
    batchIds: [...replaced.values()].flatMap((other) => (other.batchId ? [other.batchId] : [])),
  };
}

function runErrorOf(error: unknown, log: Logger): RunError {
  if (isTributaryError(error)) return { code: error.code, message: error.message };
  if (error instanceof ConnectorError) return { code: error.code, message: error.message };
  log.error({ err: error }, 'run failed on an unexpected error');
  return {
    code: 'INTERNAL',
    message: 'The run failed on an internal error; the worker log has the details under this run id.',
  };
}

async function confirmLease(
  deps: ExecutorDeps,
  run: Run,
  owner: string,
  metrics: RunMetrics,
  controller: AbortController,
): Promise<void> {
  const renewal = await renewLease(deps.db, {
    runId: run.id,
    owner,
    now: deps.clock.now(),
    leaseMs: deps.settings.leaseMs,
    metrics,
  });
  if (!renewal) controller.abort(new RunStop('leaseLost', 'Another worker took over the run.'));
  else if (renewal.cancelRequested) controller.abort(new RunStop('cancelled', cancelledError.message));
  if (controller.signal.aborted) throw controller.signal.reason as Error;
}

interface Heartbeat {
  /** Marks the commit as started: it reads nothing but is not stalled. */
  committing(): void;
  stop(): Promise<void>;
}

function startHeartbeat(
  deps: ExecutorDeps,
  run: Run,
  owner: string,
  metrics: RunMetrics,
  controller: AbortController,
): Heartbeat {
  const { settings, clock } = deps;
  const startedAt = clock.now();
  let lastProgressAt = startedAt;
  let lastProgress = -1;
  let beating: Promise<void> = Promise.resolve();
  let stopped = false;
  let committing = false;

  const beat = async () => {
    const now = clock.now();
    const progress = metrics.recordsRead + metrics.bytesRead;
    if (progress !== lastProgress || committing) {
      lastProgress = progress;
      lastProgressAt = now;
    }
    if (now - lastProgressAt >= settings.noProgressTimeoutMs) {
      controller.abort(
        new RunStop(
          'stalled',
          `The run read nothing for ${Math.round(settings.noProgressTimeoutMs / 1000)} s, so it was stopped.`,
        ),
      );
    } else if (now - startedAt >= settings.maxRunMs) {
      controller.abort(
        new RunStop('timedOut', `The run exceeded its maximum run time of ${Math.round(settings.maxRunMs / 1000)} s.`),
      );
    }
    if (controller.signal.aborted) return;

    try {
      const renewal = await renewLease(deps.db, { runId: run.id, owner, now, leaseMs: settings.leaseMs, metrics });
      if (!renewal) controller.abort(new RunStop('leaseLost', 'Another worker took over the run.'));
      else if (renewal.cancelRequested) controller.abort(new RunStop('cancelled', cancelledError.message));
    } catch (error) {
      // The lease outlives a few missed beats; the next beat tries again.
      deps.logger.warn({ err: error, runId: run.id }, 'lease renewal failed');
    }
  };

  const timer = setInterval(() => {
    beating = beating.then(beat);
  }, settings.heartbeatIntervalMs);

  return {
    committing: () => {
      committing = true;
    },
    stop: async () => {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
      }
      await beating;
    },
  };
}
