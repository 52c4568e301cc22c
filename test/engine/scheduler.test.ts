import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Scheduler } from '../../src/engine/scheduler.ts';
import { ManualClock } from '../../src/domain/time.ts';
import { claimRun } from '../../src/store/runs/claimRun.ts';
import { completeRun } from '../../src/store/runs/completeRun.ts';
import { emptyMetrics } from '../../src/store/runs/run.ts';
import type { Store } from '../../src/store/store.ts';
import { metadataBackends, skipBackend } from '../support/backends.ts';
import { insertFlow, silentLogger } from './fixtures.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const hourly = { frequency: 'hour', interval: 1, startTime: '2026-01-01T00:00:00Z', timezone: 'Europe/Paris' };

function scheduler(store: Store, clock: ManualClock): Scheduler {
  return new Scheduler({ db: store.db, clock, logger: silentLogger, intervalMs: 1000 });
}

async function windows(store: Store, flowId = 'f1'): Promise<[number, number, number][]> {
  const rows = await store.db
    .selectFrom('runs')
    .select(['window_start', 'window_end', 'due_at'])
    .where('flow_id', '=', flowId)
    .orderBy('window_start')
    .execute();
  return rows.map((row) => [Number(row.window_start), Number(row.window_end), Number(row.due_at)]);
}

for (const backend of metadataBackends) {
  describe(`scheduler on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    test('catches up missed windows in order', async () => {
      const store = await backend.open();
      try {
        const clock = new ManualClock(T0 + HOUR);
        await insertFlow(store.db, { id: 'f1', schedule: hourly });
        assert.equal(await scheduler(store, clock).tick(), 1);

        clock.set(T0 + 4 * HOUR + 5000);
        assert.equal(await scheduler(store, clock).tick(), 3);
        assert.deepEqual(await windows(store), [
          [T0, T0 + HOUR, T0 + HOUR],
          [T0 + HOUR, T0 + 2 * HOUR, T0 + 2 * HOUR],
          [T0 + 2 * HOUR, T0 + 3 * HOUR, T0 + 3 * HOUR],
          [T0 + 3 * HOUR, T0 + 4 * HOUR, T0 + 4 * HOUR],
        ]);

        const claimed: number[] = [];
        for (let i = 0; i < 4; i += 1) {
          const run = await claimRun(store, { owner: `w${i}`, now: clock.now(), leaseMs: 1000 });
          assert.ok(run);
          claimed.push(run.windowStart);
          await completeRun(store.db, {
            runId: run.id,
            owner: `w${i}`,
            now: clock.now(),
            metrics: emptyMetrics,
            batchId: null,
            supersededRunIds: [],
          });
        }
        assert.deepEqual(claimed, [T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
        assert.equal(await scheduler(store, clock).tick(), 0);
      } finally {
        await store.close();
      }
    });

    test('without catch-up one run covers the gap', async () => {
      const store = await backend.open();
      try {
        const clock = new ManualClock(T0 + HOUR);
        await insertFlow(store.db, { id: 'f1', schedule: { ...hourly, catchup: false } });
        await scheduler(store, clock).tick();
        clock.set(T0 + 4 * HOUR);
        assert.equal(await scheduler(store, clock).tick(), 1);
        assert.deepEqual((await windows(store)).at(-1), [T0 + HOUR, T0 + 4 * HOUR, T0 + 4 * HOUR]);
      } finally {
        await store.close();
      }
    });

    test('disabled flows get no runs until enabled', async () => {
      const store = await backend.open();
      try {
        const clock = new ManualClock(T0 + 3 * HOUR);
        await insertFlow(store.db, { id: 'f1', schedule: hourly, state: 'disabled' });
        assert.equal(await scheduler(store, clock).tick(), 0);
        await store.db.updateTable('flows').set({ state: 'enabled' }).where('id', '=', 'f1').execute();
        assert.equal(await scheduler(store, clock).tick(), 3);
      } finally {
        await store.close();
      }
    });

    test('backfill run comes first', async () => {
      const store = await backend.open();
      try {
        const clock = new ManualClock(T0 + HOUR);
        await insertFlow(store.db, { id: 'f1', schedule: { ...hourly, backfill: true } });
        assert.equal(await scheduler(store, clock).tick(), 2);
        assert.deepEqual((await windows(store))[0], [0, T0, T0]);
      } finally {
        await store.close();
      }
    });

    test('concurrent schedulers create each run once', async () => {
      const store = await backend.open();
      try {
        const clock = new ManualClock(T0 + 24 * HOUR);
        for (let i = 0; i < 5; i += 1) await insertFlow(store.db, { id: `f${i}`, schedule: hourly });
        const created = await Promise.all([1, 2, 3].map(() => scheduler(store, clock).tick()));
        assert.equal(
          created.reduce((a, b) => a + b, 0),
          5 * 24,
        );
        const count = await store.db
          .selectFrom('runs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(count.n), 5 * 24);
      } finally {
        await store.close();
      }
    });

    test('daily Paris windows chain across DST', async () => {
      const store = await backend.open();
      try {
        const clock = new ManualClock(Date.parse('2026-04-02T00:00:00Z'));
        const daily = {
          frequency: 'day',
          interval: 1,
          startTime: '2026-03-25T02:30:00+01:00',
          timezone: 'Europe/Paris',
        };
        await insertFlow(store.db, { id: 'f1', schedule: daily });
        await scheduler(store, clock).tick();
        const rows = await windows(store);
        assert.equal(rows.length, 7);
        for (let i = 1; i < rows.length; i += 1) assert.equal(rows[i]![0], rows[i - 1]![1]);
        assert.ok(rows.some(([, end]) => end === Date.parse('2026-03-29T01:00:00Z')));
      } finally {
        await store.close();
      }
    });
  });
}
