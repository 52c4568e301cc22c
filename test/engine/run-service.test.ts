import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TributaryError } from '../../src/domain/errors.ts';
import { ManualClock } from '../../src/domain/time.ts';
import { RunService, parseRunFilters } from '../../src/engine/run-service.ts';
import type { SourceInspector } from '../../src/engine/real-pipeline.ts';
import { claimRun } from '../../src/store/runs/claimRun.ts';
import { completeRun } from '../../src/store/runs/completeRun.ts';
import { insertRowErrors } from '../../src/store/runs/rowErrors.ts';
import { emptyMetrics } from '../../src/store/runs/run.ts';
import type { Store } from '../../src/store/store.ts';
import { metadataBackends, skipBackend } from '../support/backends.ts';
import { insertFlow, silentLogger } from './fixtures.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const NOW = T0 + 48 * HOUR;
const caller = { orgId: 'org1', sandbox: 'prod', userId: 'user1' };
const iso = (ms: number) => new Date(ms).toISOString();

// Flows whose id starts with `table` read a table with the date columns below; others read files.
const inspector: SourceInspector = {
  sourceKind: async (flowId) => (flowId.startsWith('table') ? 'table' : 'file'),
  deltaColumns: async () => ['updated_at', 'created_at'],
};

async function setup(store: Store): Promise<RunService> {
  await insertFlow(store.db, { id: 'f1' });
  await insertFlow(store.db, { id: 'off', state: 'disabled' });
  await insertFlow(store.db, { id: 'table1' });
  await insertFlow(store.db, { id: 'other', orgId: 'org2' });
  await insertFlow(store.db, {
    id: 'minutely',
    schedule: { frequency: 'minute', interval: 1, startTime: '2026-01-01T00:00:00Z' },
  });
  return new RunService({ db: store.db, clock: new ManualClock(NOW), logger: silentLogger, inspector });
}

function params(startHour: number, endHour: number, extra: Record<string, unknown> = {}) {
  return {
    startTime: iso(T0 + endHour * HOUR),
    windowStartTime: iso(T0 + startHour * HOUR),
    windowEndTime: iso(T0 + endHour * HOUR),
    ...extra,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof TributaryError ? error.code : String(error);
  }
  return undefined;
}

for (const backend of metadataBackends) {
  describe(`run service on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    test('on-demand rejections have their codes', async () => {
      const store = await backend.open();
      try {
        const service = await setup(store);
        const create = (body: Parameters<RunService['createOnDemandRun']>[1]) =>
          codeOf(service.createOnDemandRun(caller, body));
        const cases: [string, Parameters<RunService['createOnDemandRun']>[1]][] = [
          ['VALIDATION_FAILED', { params: params(0, 1) }],
          ['NOT_FOUND', { flowId: 'missing', params: params(0, 1) }],
          ['NOT_FOUND', { flowId: 'other', params: params(0, 1) }],
          ['FLOW_DISABLED', { flowId: 'off', params: params(0, 1) }],
          ['INVALID_WINDOW', { flowId: 'f1', params: params(2, 1) }],
          ['INVALID_WINDOW', { flowId: 'f1', params: params(1, 1) }],
          ['WINDOW_END_AFTER_START', { flowId: 'f1', params: { ...params(0, 2), startTime: iso(T0 + HOUR) } }],
          [
            'TIME_WITHOUT_OFFSET',
            { flowId: 'f1', params: { ...params(0, 1), windowStartTime: '2026-01-01T00:00:00' } },
          ],
          ['EPOCH_MILLISECONDS', { flowId: 'f1', params: { ...params(0, 1), windowStartTime: String(T0) } }],
          ['INVALID_TIME', { flowId: 'f1', params: { ...params(0, 1), windowStartTime: 'yesterday' } }],
          ['VALIDATION_FAILED', { flowId: 'f1', params: { startTime: iso(T0) } }],
          ['DELTA_COLUMN_NOT_ALLOWED', { flowId: 'f1', params: params(0, 1, { deltaColumn: { name: 'updated_at' } }) }],
          ['DELTA_COLUMN_REQUIRED', { flowId: 'table1', params: params(0, 1) }],
          ['DELTA_COLUMN_NOT_FOUND', { flowId: 'table1', params: params(0, 1, { deltaColumn: { name: 'amount' } }) }],
        ];
        for (const [code, body] of cases) assert.equal(await create(body), code, JSON.stringify(body));

        const first = await service.createOnDemandRun(caller, {
          flowId: 'table1',
          params: params(0, 1, { deltaColumn: { name: 'updated_at' } }),
        });
        assert.equal(first.run.deltaColumn, 'updated_at');
        assert.equal(
          await create({ flowId: 'table1', params: params(1, 2, { deltaColumn: { name: 'created_at' } }) }),
          'DELTA_COLUMN_IMMUTABLE',
        );
        const second = await service.createOnDemandRun(caller, { flowId: 'table1', params: params(1, 2) });
        assert.equal(second.run.deltaColumn, 'updated_at');
      } finally {
        await store.close();
      }
    });

    test('epoch seconds and past start times', async () => {
      const store = await backend.open();
      try {
        const service = await setup(store);
        const { run } = await service.createOnDemandRun(caller, {
          flowId: 'f1',
          params: { startTime: '1764838800', windowStartTime: 1764748800, windowEndTime: '1764835200' },
        });
        assert.equal(run.status, 'scheduled');
        assert.equal(run.dueAt, 1764838800_000);
        assert.equal(run.windowStart, 1764748800_000);
        assert.equal(run.trigger, 'onDemand');
      } finally {
        await store.close();
      }
    });

    test('overlap warnings', async () => {
      const store = await backend.open();
      try {
        const service = await setup(store);
        const first = await service.createOnDemandRun(caller, { flowId: 'f1', params: params(0, 2) });
        assert.deepEqual(first.warnings, []);
        const second = await service.createOnDemandRun(caller, { flowId: 'f1', params: params(1, 3) });
        assert.deepEqual(
          second.warnings.map((w) => [w.code, w.runId]),
          [['WINDOW_OVERLAP', first.run.id]],
        );
        const adjacent = await service.createOnDemandRun(caller, { flowId: 'f1', params: params(3, 4) });
        assert.deepEqual(adjacent.warnings, []);
      } finally {
        await store.close();
      }
    });

    test('idempotency key returns the first run', async () => {
      const store = await backend.open();
      try {
        const service = await setup(store);
        const body = { flowId: 'f1', params: params(0, 1) };
        const first = await service.createOnDemandRun(caller, body, 'key-1');
        const again = await service.createOnDemandRun(caller, { params: params(0, 1), flowId: 'f1' }, 'key-1');
        assert.equal(again.run.id, first.run.id);
        assert.equal(again.created, false);
        assert.equal(
          await codeOf(service.createOnDemandRun(caller, { flowId: 'f1', params: params(1, 2) }, 'key-1')),
          'IDEMPOTENCY_KEY_REUSED',
        );
        const count = await service.countRuns(caller, {});
        assert.equal(count, 1);
      } finally {
        await store.close();
      }
    });

    test('retry and cancel rules', async () => {
      const store = await backend.open();
      try {
        const service = await setup(store);
        const { run } = await service.createOnDemandRun(caller, { flowId: 'f1', params: params(0, 1) });
        assert.equal(await codeOf(service.retrigger(caller, run.id)), 'RUN_NOT_RETRYABLE');
        assert.equal(await codeOf(service.retrigger({ ...caller, orgId: 'org2' }, run.id)), 'NOT_FOUND');

        const claimed = await claimRun(store, { owner: 'w', now: NOW, leaseMs: 60_000 });
        await completeRun(store.db, {
          runId: claimed!.id,
          owner: 'w',
          now: NOW,
          metrics: emptyMetrics,
          batchId: 'b1',
          supersededRunIds: [],
        });
        assert.equal(await codeOf(service.cancel(caller, run.id)), 'RUN_NOT_CANCELLABLE');
        const retry = await service.retrigger(caller, run.id);
        assert.deepEqual(
          [retry.trigger, retry.retryOf, retry.windowStart, retry.windowEnd],
          ['retry', run.id, run.windowStart, run.windowEnd],
        );

        const cancelled = await service.cancel(caller, retry.id);
        assert.equal(cancelled.status, 'cancelled');
        assert.equal(await codeOf(service.cancel(caller, retry.id)), 'RUN_NOT_CANCELLABLE');
        assert.equal((await service.retrigger(caller, retry.id)).retryOf, retry.id);
      } finally {
        await store.close();
      }
    });

    test('list pages with continuation tokens', async () => {
      const store = await backend.open();
      try {
        const clock = new ManualClock(NOW);
        await setup(store);
        const service = new RunService({ db: store.db, clock, logger: silentLogger, inspector });
        for (let i = 0; i < 7; i += 1) {
          clock.advance(1000);
          await service.createOnDemandRun(caller, { flowId: 'f1', params: params(i, i + 1) });
        }
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await service.listRuns(caller, {
            limit: 3,
            order: 'desc',
            ...(token ? { continuationToken: token } : {}),
            flowIds: ['f1'],
          });
          seen.push(...page.runs.map((run) => run.windowStart.toString()));
          token = page.continuationToken ?? undefined;
          pages += 1;
        } while (token);
        assert.equal(pages, 3);
        assert.deepEqual(
          seen,
          [6, 5, 4, 3, 2, 1, 0].map((i) => String(T0 + i * HOUR)),
        );
        assert.equal(await service.countRuns(caller, { statuses: ['scheduled'] }), 7);
        assert.equal(await service.countRuns({ orgId: 'org2', sandbox: 'prod' }, {}), 0);
        assert.equal(
          await codeOf(service.listRuns(caller, { limit: 3, order: 'desc', continuationToken: 'garbage' })),
          'INVALID_CONTINUATION_TOKEN',
        );
      } finally {
        await store.close();
      }
    });

    test('backfill skips windows a longer run covered', async () => {
      const store = await backend.open();
      try {
        const service = await setup(store);
        const longer = await service.createOnDemandRun(caller, { flowId: 'f1', params: params(0, 3) });
        await store.db.updateTable('runs').set({ status: 'success' }).where('id', '=', longer.run.id).execute();

        const plan = await service.backfill(caller, 'f1', {
          windowStartTime: iso(T0 + HOUR),
          windowEndTime: iso(T0 + 4 * HOUR),
          reprocess: 'all',
          dryRun: true,
        });
        assert.deepEqual(
          plan.windows.map((w) => [w.action, w.reason, w.existingRunId]),
          [
            ['skip', 'succeeded', longer.run.id],
            ['skip', 'succeeded', longer.run.id],
            ['create', 'new', null],
          ],
        );
      } finally {
        await store.close();
      }
    });

    test('backfill splits, skips and previews', async () => {
      const store = await backend.open();
      try {
        const service = await setup(store);
        const range = { windowStartTime: iso(T0 + 30 * 60_000), windowEndTime: iso(T0 + 4 * HOUR) };
        const preview = await service.backfill(caller, 'f1', { ...range, dryRun: true });
        assert.deepEqual(
          preview.windows.map((w) => [w.windowStartTime, w.windowEndTime, w.action]),
          [
            ['2026-01-01T00:30:00.000Z', '2026-01-01T01:00:00.000Z', 'create'],
            ['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z', 'create'],
            ['2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z', 'create'],
            ['2026-01-01T03:00:00.000Z', '2026-01-01T04:00:00.000Z', 'create'],
          ].map(([s, e, a]) => [
            new Date(s!).toISOString().replace('.000Z', 'Z'),
            new Date(e!).toISOString().replace('.000Z', 'Z'),
            a,
          ]),
        );
        assert.equal(await service.countRuns(caller, {}), 0);

        const created = await service.backfill(caller, 'f1', range);
        assert.equal(created.windows.filter((w) => w.runId).length, 4);
        const again = await service.backfill(caller, 'f1', { ...range, reprocess: 'all' });
        assert.deepEqual(
          again.windows.map((w) => w.reason),
          ['pending', 'pending', 'pending', 'pending'],
        );
        assert.equal(
          await codeOf(service.backfill(caller, 'minutely', { windowStartTime: iso(T0), windowEndTime: iso(NOW) })),
          'BACKFILL_TOO_LARGE',
        );
        assert.equal(
          await codeOf(service.backfill(caller, 'f1', { ...range, windowEndTime: iso(NOW + HOUR) })),
          'WINDOW_END_AFTER_START',
        );
        assert.equal(await codeOf(service.backfill(caller, 'other', range)), 'NOT_FOUND');
      } finally {
        await store.close();
      }
    });

    test('scheduled runs list waiting and upcoming', async () => {
      const store = await backend.open();
      try {
        const service = await setup(store);
        const { run } = await service.createOnDemandRun(caller, {
          flowId: 'f1',
          params: { ...params(0, 1), startTime: iso(NOW + 30 * 60_000) },
        });
        const upcoming = await service.scheduledRuns(caller, 'f1', 10);
        assert.ok(upcoming.length >= 11);
        assert.ok(upcoming.some((item) => item.runId === run.id));
        assert.equal(await codeOf(service.scheduledRuns(caller, 'other', 10)), 'NOT_FOUND');
      } finally {
        await store.close();
      }
    });

    test('row errors page and CSV', async () => {
      const store = await backend.open();
      try {
        const service = await setup(store);
        const { run } = await service.createOnDemandRun(caller, { flowId: 'f1', params: params(0, 1) });
        const errors = Array.from({ length: 150 }, (_, i) => ({
          origin: 'orders.csv',
          rowNumber: i + 1,
          field: 'amount',
          code: 'INVALID_NUMBER',
          message: 'not a number',
          rawValue: i === 0 ? 'a "quoted", value' : 'x',
        }));
        await insertRowErrors(store.db, run.id, 0, errors);
        const page = await service.rowErrors(caller, run.id);
        assert.equal(page.items.length, 100);
        assert.equal(page.count, 150);
        let csv = '';
        for await (const chunk of await service.rowErrorsCsv(caller, run.id)) csv += chunk;
        const lines = csv.trimEnd().split('\r\n');
        assert.equal(lines.length, 151);
        assert.equal(lines[1], 'orders.csv,1,amount,INVALID_NUMBER,not a number,"a ""quoted"", value"');
      } finally {
        await store.close();
      }
    });
  });
}

describe('run filters', () => {
  test('parses lists and windows', () => {
    assert.deepEqual(
      parseRunFilters(['flowId==a,b', 'status==failed,success', 'windowStartTime>=2026-01-01T00:00:00Z']),
      {
        flowIds: ['a', 'b'],
        statuses: ['failed', 'success'],
        windowStartFrom: T0,
      },
    );
    assert.throws(
      () => parseRunFilters('status==done'),
      (error: unknown) => (error as TributaryError).code === 'INVALID_FILTER',
    );
    assert.throws(
      () => parseRunFilters('name==x'),
      (error: unknown) => (error as TributaryError).code === 'INVALID_FILTER',
    );
  });
});
