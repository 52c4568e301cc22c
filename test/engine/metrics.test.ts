import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { ManualClock } from '../../src/domain/time.ts';
import { createEngineMetrics } from '../../src/engine/metrics.ts';
import { insertRun } from '../../src/store/runs/insertRun.ts';
import { metadataBackends, skipBackend } from '../support/backends.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

for (const backend of metadataBackends) {
  describe(`engine metrics on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    test('queue depth, runs by status and counters', async () => {
      const store = await backend.open();
      try {
        const registry = new Registry();
        const metrics = createEngineMetrics(registry, store.db, new ManualClock(T0));
        const base = {
          orgId: 'o',
          sandbox: 'prod',
          flowId: 'f',
          trigger: 'onDemand' as const,
          windowStart: 0,
          windowEnd: 1,
          createdBy: 'u',
        };
        await insertRun(store.db, { ...base, dueAt: T0 - 1 }, T0);
        await insertRun(store.db, { ...base, dueAt: T0 + 1 }, T0);
        metrics.runStarted(1500);
        metrics.runFinished('success');
        metrics.recordsIngested(42);

        const text = await registry.metrics();
        assert.match(text, /^tributary_run_queue_depth 1$/m);
        assert.match(text, /^tributary_runs\{status="scheduled"\} 2$/m);
        assert.match(text, /^tributary_runs_finished_total\{status="success"\} 1$/m);
        assert.match(text, /^tributary_records_ingested_total 42$/m);
        assert.match(text, /^tributary_run_start_lateness_seconds_count 1$/m);
        assert.doesNotThrow(() => createEngineMetrics(registry, store.db, new ManualClock(T0)));
      } finally {
        await store.close();
      }
    });
  });
}
