import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConnectorError } from '../../src/connectors/types.ts';
import { RunService } from '../../src/engine/run-service.ts';
import { startEngine, type Engine } from '../../src/engine/start.ts';
import { ManualClock, systemClock, type Clock } from '../../src/domain/time.ts';
import { getRun } from '../../src/store/runs/getRun.ts';
import { listRowErrors } from '../../src/store/runs/rowErrors.ts';
import type { Run } from '../../src/store/runs/run.ts';
import type { Store } from '../../src/store/store.ts';
import { makeTempDir, metadataBackends, skipBackend } from '../support/backends.ts';
import { waitFor } from '../support/wait.ts';
import {
  dataset,
  insertFlow,
  memorySource,
  openTestWarehouse,
  recordsOfWindow,
  silentLogger,
  testConfig,
  type SourceOptions,
  type TestWarehouse,
} from './fixtures.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const caller = { orgId: 'org1', sandbox: 'prod', userId: 'user1' };

const fileInspector = { sourceKind: async () => 'file' as const, deltaColumns: async () => [] };

interface Harness {
  store: Store;
  warehouse: TestWarehouse;
  engine: Engine;
  source: ReturnType<typeof memorySource>;
  service: RunService;
  close(): Promise<void>;
}

async function harness(
  backend: (typeof metadataBackends)[number],
  options: {
    source?: SourceOptions;
    thresholdPercent?: number;
    clock?: Clock;
    config?: Parameters<typeof testConfig>[0];
  } = {},
): Promise<Harness> {
  const store = await backend.open();
  const warehouse = await openTestWarehouse(backend.name);
  const clock = options.clock ?? systemClock;
  const source = memorySource(warehouse.warehouse, options.source, options.thresholdPercent);
  await insertFlow(store.db, { id: 'f1' });
  const engine = await startEngine({
    store,
    warehouse: warehouse.warehouse,
    config: testConfig(options.config),
    logger: silentLogger,
    clock,
    scheduler: false,
    workers: 2,
    preparer: source.preparer,
    shutdownGraceMs: 100,
  });
  const service = new RunService({ db: store.db, clock, logger: silentLogger, inspector: fileInspector });
  return {
    store,
    warehouse,
    engine,
    source,
    service,
    close: async () => {
      await engine.stop();
      await warehouse.close();
      await store.close();
    },
  };
}

async function onDemand(service: RunService, startHour: number, endHour: number): Promise<Run> {
  const { run } = await service.createOnDemandRun(caller, {
    flowId: 'f1',
    params: {
      startTime: new Date(T0 + endHour * HOUR).toISOString(),
      windowStartTime: new Date(T0 + startHour * HOUR).toISOString(),
      windowEndTime: new Date(T0 + endHour * HOUR).toISOString(),
    },
  });
  return run;
}

function ended(store: Store, runId: string): Promise<Run> {
  return waitFor(
    async () => {
      const run = await getRun(store.db, runId);
      return run && ['success', 'failed', 'cancelled'].includes(run.status) ? run : null;
    },
    { message: `run ${runId} to end` },
  );
}

for (const backend of metadataBackends) {
  describe(`worker on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    test('run succeeds with its window rows', async () => {
      const h = await harness(backend);
      try {
        const run = await ended(h.store, (await onDemand(h.service, 0, 2)).id);
        assert.equal(run.status, 'success');
        assert.equal(run.metrics.outputRecordCount, 120);
        assert.equal(run.metrics.inputRecordCount, 120);
        assert.equal(run.attempt, 1);
        assert.deepEqual(await h.warehouse.warehouse.stats(dataset.id), { rowCount: 120, batchCount: 1 });
      } finally {
        await h.close();
      }
    });

    test('transient errors are retried', async () => {
      const h = await harness(backend, { source: { transientFailures: 2 } });
      try {
        const run = await ended(h.store, (await onDemand(h.service, 0, 1)).id);
        assert.equal(run.status, 'success');
        assert.equal(h.source.opens, 3);
      } finally {
        await h.close();
      }
    });

    test('transient errors stop after the attempts', async () => {
      const h = await harness(backend, { source: { transientFailures: 10 }, config: { transientRetryAttempts: 3 } });
      try {
        const run = await ended(h.store, (await onDemand(h.service, 0, 1)).id);
        assert.equal(run.status, 'failed');
        assert.equal(run.errors[0]?.code, 'SOURCE_UNREACHABLE');
        assert.equal(h.source.opens, 3);
      } finally {
        await h.close();
      }
    });

    test('permanent error fails at once', async () => {
      const error = new ConnectorError('SOURCE_AUTH_FAILED', 'password authentication failed for user "etl"', false);
      const h = await harness(backend, { source: { permanentError: error } });
      try {
        const run = await ended(h.store, (await onDemand(h.service, 0, 1)).id);
        assert.equal(run.status, 'failed');
        assert.deepEqual(run.errors, [{ code: 'SOURCE_AUTH_FAILED', message: error.message }]);
        assert.equal(h.source.opens, 1);
      } finally {
        await h.close();
      }
    });

    test('row errors over the threshold fail the run', async () => {
      const h = await harness(backend, { source: { badEvery: 10 } });
      try {
        const run = await ended(h.store, (await onDemand(h.service, 0, 2)).id);
        assert.equal(run.status, 'failed');
        assert.equal(run.errors[0]?.code, 'ERROR_THRESHOLD_EXCEEDED');
        assert.equal((await listRowErrors(h.store.db, run.id, { limit: 1000 })).length, 12);
        assert.deepEqual(await h.warehouse.warehouse.stats(dataset.id), { rowCount: 0, batchCount: 0 });
      } finally {
        await h.close();
      }
    });

    test('row errors under the threshold are skipped', async () => {
      const h = await harness(backend, { source: { badEvery: 60 } });
      try {
        const run = await ended(h.store, (await onDemand(h.service, 0, 2)).id);
        assert.equal(run.status, 'success');
        assert.equal(run.metrics.failedRecordCount, 2);
        assert.equal(run.metrics.outputRecordCount, 118);
        const errors = await h.service.rowErrors(caller, run.id);
        assert.equal(errors.count, 2);
        assert.equal(errors.items[0]?.code, 'INVALID_INTEGER');
      } finally {
        await h.close();
      }
    });

    test('cancel stops a run in progress', async () => {
      const gate = path.join(makeTempDir(), 'gate');
      const h = await harness(backend, { source: { gateFile: gate, batchSize: 10 } });
      try {
        const created = await onDemand(h.service, 0, 2);
        await waitFor(async () => (await getRun(h.store.db, created.id))?.metrics.recordsRead === 10, {
          message: 'progress',
        });
        const cancelling = await h.service.cancel(caller, created.id);
        assert.equal(cancelling.status, 'inProgress');
        const run = await ended(h.store, created.id);
        assert.equal(run.status, 'cancelled');
        assert.equal(run.errors[0]?.code, 'RUN_CANCELLED');
        fs.writeFileSync(gate, '');
        assert.deepEqual(await h.warehouse.warehouse.stats(dataset.id), { rowCount: 0, batchCount: 0 });
      } finally {
        fs.writeFileSync(gate, '');
        await h.close();
      }
    });

    test('a run that reads nothing stalls', async () => {
      const gate = path.join(makeTempDir(), 'gate');
      const clock = new ManualClock(T0 + 10 * HOUR);
      const h = await harness(backend, {
        clock,
        source: { gateFile: gate, batchSize: 10 },
        config: { noProgressTimeoutSeconds: 60, leaseSeconds: 3600 },
      });
      try {
        const created = await onDemand(h.service, 0, 2);
        await waitFor(async () => (await getRun(h.store.db, created.id))?.metrics.recordsRead === 10, {
          message: 'progress',
        });
        clock.advance(61_000);
        const run = await ended(h.store, created.id);
        assert.equal(run.status, 'failed');
        assert.equal(run.errors[0]?.code, 'RUN_STALLED');
      } finally {
        fs.writeFileSync(gate, '');
        await h.close();
      }
    });

    test('a run over the maximum time times out', async () => {
      const gate = path.join(makeTempDir(), 'gate');
      const clock = new ManualClock(T0 + 10 * HOUR);
      const h = await harness(backend, {
        clock,
        source: { gateFile: gate, batchSize: 10 },
        config: { maxRunSeconds: 60, noProgressTimeoutSeconds: 3600, leaseSeconds: 3600 },
      });
      try {
        const created = await onDemand(h.service, 0, 2);
        await waitFor(async () => (await getRun(h.store.db, created.id))?.metrics.recordsRead === 10, {
          message: 'progress',
        });
        clock.advance(61_000);
        const run = await ended(h.store, created.id);
        assert.equal(run.errors[0]?.code, 'RUN_TIMED_OUT');
      } finally {
        fs.writeFileSync(gate, '');
        await h.close();
      }
    });

    test('re-trigger replaces the batch', async () => {
      const h = await harness(backend);
      try {
        const first = await ended(h.store, (await onDemand(h.service, 0, 2)).id);
        const retry = await h.service.retrigger(caller, first.id);
        assert.equal(retry.trigger, 'retry');
        assert.equal(retry.retryOf, first.id);
        const second = await ended(h.store, retry.id);
        assert.equal(second.status, 'success');
        assert.equal((await getRun(h.store.db, first.id))?.superseded, true);
        assert.deepEqual(await h.warehouse.warehouse.stats(dataset.id), {
          rowCount: recordsOfWindow(first),
          batchCount: 1,
        });

        const third = await ended(h.store, (await h.service.retrigger(caller, second.id)).id);
        assert.equal(third.status, 'success');
        assert.deepEqual(await h.warehouse.warehouse.stats(dataset.id), { rowCount: 120, batchCount: 1 });
      } finally {
        await h.close();
      }
    });

    test('stop gives the lease back', async () => {
      const gate = path.join(makeTempDir(), 'gate');
      const h = await harness(backend, { source: { gateFile: gate, batchSize: 10 } });
      try {
        const created = await onDemand(h.service, 0, 2);
        await waitFor(async () => (await getRun(h.store.db, created.id))?.metrics.recordsRead === 10, {
          message: 'progress',
        });
        await h.engine.stop();
        const run = await getRun(h.store.db, created.id);
        assert.equal(run?.status, 'inProgress');
        assert.equal(run?.leaseOwner, null);
      } finally {
        fs.writeFileSync(gate, '');
        await h.close();
      }
    });
  });
}
