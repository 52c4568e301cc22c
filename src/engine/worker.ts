import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import { backoffDelayMs } from '../domain/backoff.ts';
import type { Clock } from '../domain/time.ts';
import type { Store } from '../store/store.ts';
import { claimRun } from '../store/runs/claimRun.ts';
import type { Run } from '../store/runs/run.ts';
import { executeRun, type ExecutorDeps } from './run-executor.ts';
import { Sleeper } from './sleeper.ts';

export interface WorkerOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  executor: ExecutorDeps;
  concurrency: number;
  pollIntervalMs: number;
}

// After repeated claim errors (database down), waits grow up to this bound instead of hot-looping.
const MAX_ERROR_DELAY_MS = 30_000;

/**
 * Claims due runs and executes up to `concurrency` of them at a time. One loop: claim, hand off,
 * catch, then sleep in a way that a finished run or `stop()` wakes.
 */
export class Worker {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  readonly #options: WorkerOptions;
  readonly #active = new Set<Promise<void>>();
  readonly #sleeper = new Sleeper();
  readonly #shutdown = new AbortController();
  #stopping = false;
  #loop: Promise<void> | null = null;
  #claims = 0;

  constructor(options: WorkerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async #run(): Promise<void> {
    const { logger, pollIntervalMs, concurrency } = this.#options;
    let failures = 0;

    while (!this.#stopping) {
      if (this.#active.size >= concurrency) {
        await Promise.race([...this.#active, this.#sleeper.sleep(pollIntervalMs)]);
        continue;
      }

      let run: Run | null = null;
      try {
        run = await this.#claim();
        failures = 0;
      } catch (error) {
        failures += 1;
        logger.error({ err: error, workerId: this.id, failures }, 'run claim failed');
      }

      if (run) {
        this.#handOff(run);
        continue;
      }

      const delayMs =
        failures > 0
          ? pollIntervalMs + backoffDelayMs(failures, { baseMs: pollIntervalMs, maxMs: MAX_ERROR_DELAY_MS })
          : pollIntervalMs;
      await this.#sleeper.sleep(delayMs);
    }
  }

  async #claim(): Promise<Run | null> {
    const { store, clock, executor } = this.#options;
    this.#claims += 1;
    return claimRun(store, {
      owner: `${this.id}/${this.#claims}`,
      now: clock.now(),
      leaseMs: executor.settings.leaseMs,
    });
  }

  #handOff(run: Run): void {
    const { executor, logger, clock } = this.#options;
    executor.metrics?.runStarted(clock.now() - run.dueAt);
    const owner = run.leaseOwner ?? this.id;
    const execution = executeRun(executor, run, owner, this.#shutdown.signal)
      .catch((error: unknown) => {
        logger.error({ err: error, runId: run.id, workerId: this.id }, 'run execution crashed');
      })
      .finally(() => {
        this.#active.delete(execution);
        this.#sleeper.wake();
      });
    this.#active.add(execution);
  }

  /**
   * Stops claiming, lets running runs finish for `graceMs`, then stops them and gives their leases
   * back so that another worker takes them at once.
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.#sleeper.wake();
    await this.#loop;

    if (this.#active.size > 0) {
      const grace = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        void Promise.all(this.#active).then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await grace;
    }
    this.#shutdown.abort();
    await Promise.all(this.#active);
  }
}
