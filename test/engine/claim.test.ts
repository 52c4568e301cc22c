import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { claimRun } from '../../src/store/runs/claimRun.ts';
import { completeRun, endRun } from '../../src/store/runs/completeRun.ts';
import { cancelRun } from '../../src/store/runs/cancelRun.ts';
import { getRun } from '../../src/store/runs/getRun.ts';
import { insertRun, insertScheduledRuns } from '../../src/store/runs/insertRun.ts';
import { renewLease } from '../../src/store/runs/renewLease.ts';
import { emptyMetrics, scheduleKey } from '../../src/store/runs/run.ts';
import { metadataBackends, skipBackend } from '../support/backends.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

function newRun(flowId: string, k: number, dueAt = T0 + k * HOUR) {
  return {
    orgId: 'org1',
    sandbox: 'prod',
    flowId,
    trigger: 'schedule' as const,
    dueAt,
    windowStart: T0 + (k - 1) * HOUR,
    windowEnd: T0 + k * HOUR,
    scheduleKey: scheduleKey(flowId, T0 + (k - 1) * HOUR, T0 + k * HOUR),
    createdBy: 'user1',
  };
}

for (const backend of metadataBackends) {
  describe(`run claims on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    test('one run per flow, in window order', async () => {
      const store = await backend.open();
      try {
        const now = T0 + 10 * HOUR;
        await insertRun(store.db, newRun('f1', 2), now);
        await insertRun(store.db, newRun('f1', 1), now);
        await insertRun(store.db, newRun('f2', 1, T0 + HOUR + 1), now);
        await insertRun(store.db, newRun('f3', 1, now + HOUR), now);

        const first = await claimRun(store, { owner: 'w1', now, leaseMs: 1000 });
        const second = await claimRun(store, { owner: 'w2', now, leaseMs: 1000 });
        const third = await claimRun(store, { owner: 'w3', now, leaseMs: 1000 });
        assert.deepEqual([first?.flowId, first?.windowEnd, second?.flowId, third], ['f1', T0 + HOUR, 'f2', null]);
        assert.equal(first?.status, 'inProgress');
        assert.equal(first?.attempt, 1);

        await completeRun(store.db, {
          runId: first!.id,
          owner: 'w1',
          now,
          metrics: emptyMetrics,
          batchId: null,
          supersededRunIds: [],
        });
        const next = await claimRun(store, { owner: 'w4', now, leaseMs: 1000 });
        assert.equal(next?.flowId, 'f1');
        assert.equal(next?.windowEnd, T0 + 2 * HOUR);
      } finally {
        await store.close();
      }
    });

    test('expired lease is claimed again', async () => {
      const store = await backend.open();
      try {
        const now = T0 + HOUR;
        const run = await insertRun(store.db, newRun('f1', 1), now);
        await claimRun(store, { owner: 'dead', now, leaseMs: 1000 });
        assert.equal(await claimRun(store, { owner: 'w2', now: now + 999, leaseMs: 1000 }), null);

        const again = await claimRun(store, { owner: 'w2', now: now + 1000, leaseMs: 1000 });
        assert.equal(again?.id, run.id);
        assert.equal(again?.attempt, 2);
        assert.equal(
          await renewLease(store.db, { runId: run.id, owner: 'dead', now, leaseMs: 1000, metrics: emptyMetrics }),
          null,
        );
        assert.deepEqual(
          await renewLease(store.db, { runId: run.id, owner: 'w2', now, leaseMs: 1000, metrics: emptyMetrics }),
          {
            cancelRequested: false,
          },
        );
      } finally {
        await store.close();
      }
    });

    test('scheduled insert ignores duplicates', async () => {
      const store = await backend.open();
      try {
        assert.equal(await insertScheduledRuns(store.db, [newRun('f1', 1), newRun('f1', 2)], T0), 2);
        assert.equal(await insertScheduledRuns(store.db, [newRun('f1', 2), newRun('f1', 3)], T0), 1);
        const count = await store.db
          .selectFrom('runs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(count.n), 3);
      } finally {
        await store.close();
      }
    });

    test('terminal states are final', async () => {
      const store = await backend.open();
      try {
        const now = T0 + HOUR;
        const run = await insertRun(store.db, newRun('f1', 1), now);
        await claimRun(store, { owner: 'w1', now, leaseMs: 1000 });
        await endRun(store.db, {
          runId: run.id,
          owner: 'w1',
          now,
          status: 'failed',
          metrics: emptyMetrics,
          errors: [],
        });

        assert.equal(
          await completeRun(store.db, {
            runId: run.id,
            owner: 'w1',
            now,
            metrics: emptyMetrics,
            batchId: 'b',
            supersededRunIds: [],
          }),
          false,
        );
        assert.equal(await cancelRun(store.db, run.id, now), null);
        assert.equal(await claimRun(store, { owner: 'w2', now: now + 10_000, leaseMs: 1000 }), null);
        assert.equal((await getRun(store.db, run.id))?.status, 'failed');
      } finally {
        await store.close();
      }
    });
  });
}
