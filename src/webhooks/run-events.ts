import type { Clock } from '../domain/time.ts';
import type { RunEventListener } from '../engine/run-executor.ts';
import { runToJson } from '../engine/run-json.ts';
import { getRun } from '../store/runs/getRun.ts';
import type { Store } from '../store/store.ts';
import { publishRunEvent } from './events.ts';

/** Queues webhook deliveries for run starts, successes and failures; cancellations send none. */
export function webhookRunEvents(store: Store, clock: Clock): RunEventListener {
  return {
    async runStarted(run) {
      await publishRunEvent(store, run, 'run.started', runToJson(run), clock.now());
    },
    async runFinished(runId, status) {
      if (status === 'cancelled') return;
      const run = await getRun(store.db, runId);
      if (!run) return;
      await publishRunEvent(
        store,
        run,
        status === 'success' ? 'run.succeeded' : 'run.failed',
        runToJson(run),
        clock.now(),
      );
    },
  };
}
