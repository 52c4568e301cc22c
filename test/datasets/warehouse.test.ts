import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { DatasetRow, DatasetSchema, Warehouse } from '../../src/datasets/types.ts';
import { ManualClock } from '../../src/domain/time.ts';
import { collectRows, datasetOf, warehouseBackends } from './warehouses.ts';

const ordersSchema: DatasetSchema = {
  fields: [
    { name: 'orderId', type: 'string', required: true },
    { name: 'amount', type: 'number' },
    { name: 'quantity', type: 'integer' },
  ],
};

function orders(from: number, count: number, amount = 10): DatasetRow[] {
  return Array.from({ length: count }, (_, index) => ({
    orderId: `o-${from + index}`,
    amount: amount + index,
    quantity: from + index,
  }));
}

// Every probe runs before any suite starts, because a running SQLite suite blocks the event loop.
const skips = await Promise.all(warehouseBackends.map((backend) => backend.skip()));

for (const [index, backend] of warehouseBackends.entries()) {
  describe(`warehouse on ${backend.name}`, { skip: skips[index] }, () => {
    let warehouse: Warehouse;
    let clock: ManualClock;

    beforeEach(async () => {
      clock = new ManualClock(Date.UTC(2026, 11, 4, 9));
      warehouse = await backend.open(clock);
    });

    afterEach(async () => {
      await warehouse.close();
    });

    test('batch of one million rows', async () => {
      const dataset = datasetOf({
        fields: [
          { name: 'id', type: 'integer', required: true },
          { name: 'name', type: 'string' },
          { name: 'amount', type: 'number' },
          { name: 'at', type: 'datetime' },
        ],
      });
      const total = 1_000_000;
      const chunk = 10_000;
      const start = Date.UTC(2026, 0, 1);

      const writer = await warehouse.openBatch(dataset, 'run-million');
      for (let offset = 0; offset < total; offset += chunk) {
        const rows = Array.from({ length: chunk }, (_, index) => {
          const id = offset + index;
          return { id, name: `name ${id}`, amount: id / 4, at: start + id * 1000 };
        });
        await writer.write(rows);
      }
      const { recordCount } = await writer.commit({ supersedesBatchIds: [] });

      assert.equal(recordCount, total);
      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: total, batchCount: 1 });
      const tail = await warehouse.readRows(dataset, { limit: 5, offset: total - 2 });
      assert.deepEqual(tail.items, [
        { id: 999_998, name: 'name 999998', amount: 249_999.5, at: '2026-01-12T13:46:38Z' },
        { id: 999_999, name: 'name 999999', amount: 249_999.75, at: '2026-01-12T13:46:39Z' },
      ]);
      assert.equal(tail.nextOffset, null);
    });

    test('rows hidden before commit', async () => {
      const dataset = datasetOf(ordersSchema);
      const writer = await warehouse.openBatch(dataset, 'run-1');
      await writer.write(orders(1, 3));

      assert.deepEqual((await warehouse.readRows(dataset, { limit: 10, offset: 0 })).items, []);
      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 0, batchCount: 0 });
      const [staged] = await warehouse.listBatches(dataset.id, { limit: 10, offset: 0 });
      assert.equal(staged?.status, 'staged');
      assert.equal(await warehouse.findCommittedBatch('run-1'), null);

      clock.advance(60_000);
      await writer.commit({ supersedesBatchIds: [] });
      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 3, batchCount: 1 });
      const committed = await warehouse.findCommittedBatch('run-1');
      assert.equal(committed?.id, writer.batchId);
      assert.equal(committed?.status, 'committed');
      assert.equal(committed?.recordCount, 3);
      assert.equal(committed?.datasetId, dataset.id);
      assert.equal(committed?.createdAt, Date.UTC(2026, 11, 4, 9));
      assert.equal(committed?.committedAt, Date.UTC(2026, 11, 4, 9, 1));
    });

    test('abort leaves nothing', async () => {
      const dataset = datasetOf(ordersSchema);
      const writer = await warehouse.openBatch(dataset, 'run-1');
      await writer.write(orders(1, 5));
      await writer.abort();

      assert.deepEqual((await warehouse.readRows(dataset, { limit: 10, offset: 0 })).items, []);
      assert.deepEqual(await warehouse.listBatches(dataset.id, { limit: 10, offset: 0 }), []);
      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 0, batchCount: 0 });
      await assert.rejects(writer.write(orders(6, 1)), /already aborted/);
    });

    test('crashed attempt staging dropped', async () => {
      const dataset = datasetOf(ordersSchema);
      const crashed = await warehouse.openBatch(dataset, 'run-1');
      await crashed.write(orders(1, 5));

      const retry = await warehouse.openBatch(dataset, 'run-1');
      assert.deepEqual((await warehouse.readRows(dataset, { limit: 10, offset: 0 })).items, []);
      await retry.write(orders(1, 3));
      const { recordCount } = await retry.commit({ supersedesBatchIds: [] });

      assert.equal(recordCount, 3);
      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 3, batchCount: 1 });
      const batches = await warehouse.listBatches(dataset.id, { limit: 10, offset: 0 });
      assert.deepEqual(
        batches.map((batch) => [batch.id, batch.status]),
        [[retry.batchId, 'committed']],
      );
      await assert.rejects(crashed.commit({ supersedesBatchIds: [] }), /no longer exists/);
      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 3, batchCount: 1 });
    });

    test('committed run cannot reopen', async () => {
      const dataset = datasetOf(ordersSchema);
      const writer = await warehouse.openBatch(dataset, 'run-1');
      await writer.write(orders(1, 2));
      await writer.commit({ supersedesBatchIds: [] });

      await assert.rejects(warehouse.openBatch(dataset, 'run-1'), { code: 'CONFLICT' });
      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 2, batchCount: 1 });
    });

    test('retry supersedes without duplicates', async () => {
      const dataset = datasetOf(ordersSchema);
      const first = await warehouse.openBatch(dataset, 'run-1');
      await first.write(orders(1, 4));
      await first.commit({ supersedesBatchIds: [] });
      clock.advance(1000);
      const other = await warehouse.openBatch(dataset, 'run-2');
      await other.write(orders(100, 2));
      await other.commit({ supersedesBatchIds: [] });

      clock.advance(1000);
      const retry = await warehouse.openBatch(dataset, 'run-3');
      await retry.write(orders(1, 4));
      const { recordCount } = await retry.commit({ supersedesBatchIds: [first.batchId] });

      assert.equal(recordCount, 4);
      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 6, batchCount: 2 });
      const rows = await collectRows(warehouse.streamRows(dataset, {}));
      assert.deepEqual(rows.map((row) => row.orderId).sort(), ['o-1', 'o-100', 'o-101', 'o-2', 'o-3', 'o-4']);
      const statuses = await warehouse.listBatches(dataset.id, { limit: 10, offset: 0 });
      assert.deepEqual(
        statuses.map((batch) => [batch.runId, batch.status]),
        [
          ['run-3', 'committed'],
          ['run-2', 'committed'],
          ['run-1', 'superseded'],
        ],
      );
    });

    test('primary key upserts', async () => {
      const dataset = datasetOf(ordersSchema, ['orderId']);
      const first = await warehouse.openBatch(dataset, 'run-1');
      await first.write(orders(1, 3, 10));
      await first.commit({ supersedesBatchIds: [] });

      const second = await warehouse.openBatch(dataset, 'run-2');
      await second.write([
        { orderId: 'o-2', amount: 20, quantity: 2 },
        { orderId: 'o-4', amount: 40, quantity: 4 },
      ]);
      await second.write([{ orderId: 'o-4', amount: 41, quantity: 4 }]);
      const { recordCount } = await second.commit({ supersedesBatchIds: [] });

      assert.equal(recordCount, 2);
      const rows = await collectRows(warehouse.streamRows(dataset, {}));
      assert.deepEqual(rows, [
        { orderId: 'o-1', amount: 10, quantity: 1 },
        { orderId: 'o-2', amount: 20, quantity: 2 },
        { orderId: 'o-3', amount: 12, quantity: 3 },
        { orderId: 'o-4', amount: 41, quantity: 4 },
      ]);
      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 4, batchCount: 2 });
      const secondRows = await warehouse.readRows(dataset, { limit: 10, offset: 0, batchId: second.batchId });
      assert.deepEqual(
        secondRows.items.map((row) => row.orderId),
        ['o-2', 'o-4'],
      );
    });

    test('primary key re-run keeps count', async () => {
      const dataset = datasetOf(ordersSchema, ['orderId']);
      const first = await warehouse.openBatch(dataset, 'run-1');
      await first.write(orders(1, 5));
      await first.commit({ supersedesBatchIds: [] });

      const retry = await warehouse.openBatch(dataset, 'run-2');
      await retry.write(orders(1, 5, 50));
      await retry.commit({ supersedesBatchIds: [first.batchId] });

      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 5, batchCount: 1 });
      const rows = await collectRows(warehouse.streamRows(dataset, {}));
      assert.deepEqual(
        rows.map((row) => row.amount),
        [50, 51, 52, 53, 54],
      );
    });

    test('concurrent upsert commits', async () => {
      const dataset = datasetOf(ordersSchema, ['orderId']);
      const forward = await warehouse.openBatch(dataset, 'run-1');
      const backward = await warehouse.openBatch(dataset, 'run-2');
      await forward.write(orders(1, 2000, 0));
      await backward.write(orders(1, 2000, 0).reverse());

      const results = await Promise.all([
        forward.commit({ supersedesBatchIds: [] }),
        backward.commit({ supersedesBatchIds: [] }),
      ]);

      assert.deepEqual(
        results.map((result) => result.recordCount),
        [2000, 2000],
      );
      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 2000, batchCount: 2 });
    });

    test('values in API form', async () => {
      const dataset = datasetOf({
        fields: [
          { name: 'text', type: 'string' },
          { name: 'count', type: 'integer' },
          { name: 'ratio', type: 'number' },
          { name: 'active', type: 'boolean' },
          { name: 'day', type: 'date' },
          { name: 'at', type: 'datetime' },
          { name: 'payload', type: 'json' },
        ],
      });
      const writer = await warehouse.openBatch(dataset, 'run-1');
      await writer.write([
        {
          text: 'tab\there\nline\\slash "quoted" é',
          count: Number.MAX_SAFE_INTEGER,
          ratio: -0.125,
          active: true,
          day: '2026-12-04',
          at: Date.UTC(2026, 11, 4, 9, 0, 0, 250),
          payload: { a: [1, 'x'], b: null },
        },
        { text: null, count: null, ratio: null, active: false, day: null, at: null, payload: null },
      ]);
      await writer.commit({ supersedesBatchIds: [] });

      const page = await warehouse.readRows(dataset, { limit: 10, offset: 0 });
      assert.deepEqual(page.items, [
        {
          text: 'tab\there\nline\\slash "quoted" é',
          count: Number.MAX_SAFE_INTEGER,
          ratio: -0.125,
          active: true,
          day: '2026-12-04',
          at: '2026-12-04T09:00:00.250Z',
          payload: { a: [1, 'x'], b: null },
        },
        { text: null, count: null, ratio: null, active: false, day: null, at: null, payload: null },
      ]);
    });

    test('readRows pages in order', async () => {
      const dataset = datasetOf(ordersSchema);
      const first = await warehouse.openBatch(dataset, 'run-1');
      await first.write(orders(1, 3));
      await first.commit({ supersedesBatchIds: [] });
      clock.advance(1000);
      const second = await warehouse.openBatch(dataset, 'run-2');
      await second.write(orders(4, 2));
      await second.commit({ supersedesBatchIds: [] });

      const pageOne = await warehouse.readRows(dataset, { limit: 2, offset: 0 });
      const pageTwo = await warehouse.readRows(dataset, { limit: 2, offset: 2 });
      const pageThree = await warehouse.readRows(dataset, { limit: 2, offset: 4 });
      assert.deepEqual(
        [...pageOne.items, ...pageTwo.items, ...pageThree.items].map((row) => row.orderId),
        ['o-1', 'o-2', 'o-3', 'o-4', 'o-5'],
      );
      assert.equal(pageOne.nextOffset, 2);
      assert.equal(pageTwo.nextOffset, 4);
      assert.equal(pageThree.nextOffset, null);

      const onlySecond = await warehouse.readRows(dataset, { limit: 10, offset: 0, batchId: second.batchId });
      assert.deepEqual(
        onlySecond.items.map((row) => row.orderId),
        ['o-4', 'o-5'],
      );
      const paged = await warehouse.listBatches(dataset.id, { limit: 1, offset: 1 });
      assert.deepEqual(
        paged.map((batch) => batch.runId),
        ['run-1'],
      );
    });

    test('ensureDataset adds new fields', async () => {
      const dataset = datasetOf(ordersSchema);
      await warehouse.ensureDataset(dataset);
      const writer = await warehouse.openBatch(dataset, 'run-1');
      await writer.write(orders(1, 1));
      await writer.commit({ supersedesBatchIds: [] });

      const wider = {
        ...dataset,
        schema: { fields: [...ordersSchema.fields, { name: 'note', type: 'string' as const }] },
      };
      await warehouse.ensureDataset(wider);
      const page = await warehouse.readRows(wider, { limit: 10, offset: 0 });
      assert.deepEqual(page.items, [{ orderId: 'o-1', amount: 10, quantity: 1, note: null }]);

      const retyped = { ...dataset, schema: { fields: [{ name: 'amount', type: 'string' as const }] } };
      await assert.rejects(warehouse.ensureDataset(retyped), { code: 'INVALID_DATASET_SCHEMA', message: /'amount'/ });
    });

    test('primary key set later upserts', async () => {
      const dataset = datasetOf(ordersSchema);
      const first = await warehouse.openBatch(dataset, 'run-1');
      await first.write(orders(1, 2));
      await first.commit({ supersedesBatchIds: [] });

      const keyed = { ...dataset, primaryKey: ['orderId'] };
      const second = await warehouse.openBatch(keyed, 'run-2');
      await second.write([{ orderId: 'o-2', amount: 99, quantity: 2 }]);
      await second.commit({ supersedesBatchIds: [] });

      const rows = await collectRows(warehouse.streamRows(keyed, {}));
      assert.deepEqual(
        rows.map((row) => [row.orderId, row.amount]),
        [
          ['o-1', 10],
          ['o-2', 99],
        ],
      );
    });

    test('ensureDataset rejects invalid schema', async () => {
      const dataset = datasetOf({ fields: [{ name: 'bad name', type: 'string' }] });
      await assert.rejects(warehouse.ensureDataset(dataset), { code: 'INVALID_DATASET_SCHEMA', message: /"bad name"/ });
    });

    test('dropDataset removes rows and batches', async () => {
      const dataset = datasetOf(ordersSchema);
      const writer = await warehouse.openBatch(dataset, 'run-1');
      await writer.write(orders(1, 2));
      await writer.commit({ supersedesBatchIds: [] });
      const staged = await warehouse.openBatch(dataset, 'run-2');
      await staged.write(orders(3, 1));

      await warehouse.dropDataset(dataset.id);
      assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 0, batchCount: 0 });
      assert.deepEqual(await warehouse.listBatches(dataset.id, { limit: 10, offset: 0 }), []);
    });
  });
}
