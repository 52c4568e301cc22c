import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../domain/time.ts';
import { countDueRuns, countRunsByStatus } from '../store/runs/countRuns.ts';
import type { Db } from '../store/runs/run.ts';

/** Recorders of the engine's Prometheus metrics, called as runs start and end. */
export interface EngineMetrics {
  runStarted(latenessMs: number): void;
  runFinished(status: 'success' | 'failed' | 'cancelled'): void;
  recordsIngested(count: number): void;
}

/**
 * Registers the engine's metrics in `registry`: runs finished and runs stored by status, records
 * ingested, run-start lateness and queue depth. The gauges read the database when scraped.
 */
export function createEngineMetrics(registry: Registry, db: Db, clock: Clock): EngineMetrics {
  const finished = reuse(
    registry,
    'tributary_runs_finished_total',
    () =>
      new Counter({
        name: 'tributary_runs_finished_total',
        help: 'Runs ended by this process, by final status',
        labelNames: ['status'],
        registers: [registry],
      }),
  );
  const records = reuse(
    registry,
    'tributary_records_ingested_total',
    () =>
      new Counter({
        name: 'tributary_records_ingested_total',
        help: 'Dataset rows committed by successful runs',
        registers: [registry],
      }),
  );
  const lateness = reuse(
    registry,
    'tributary_run_start_lateness_seconds',
    () =>
      new Histogram({
        name: 'tributary_run_start_lateness_seconds',
        help: 'Time from a run being due to a worker starting it',
        buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
        registers: [registry],
      }),
  );
  reuse(
    registry,
    'tributary_runs',
    () =>
      new Gauge({
        name: 'tributary_runs',
        help: 'Runs in the metadata database, by status',
        labelNames: ['status'],
        registers: [registry],
        async collect() {
          const counts = await countRunsByStatus(db);
          this.reset();
          for (const [status, count] of counts) this.set({ status }, count);
        },
      }),
  );
  reuse(
    registry,
    'tributary_run_queue_depth',
    () =>
      new Gauge({
        name: 'tributary_run_queue_depth',
        help: 'Scheduled runs that are due and wait for a worker',
        registers: [registry],
        async collect() {
          this.set(await countDueRuns(db, clock.now()));
        },
      }),
  );

  return {
    runStarted: (latenessMs) => lateness.observe(Math.max(0, latenessMs) / 1000),
    runFinished: (status) => finished.inc({ status }),
    recordsIngested: (count) => records.inc(count),
  };
}

// A second engine in the same process (tests, serve restarting) shares the metrics of the first.
function reuse<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
