import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { exportDataset } from '../../src/datasets/export.ts';
import type { DatasetDefinition, Warehouse } from '../../src/datasets/types.ts';
import { datasetOf, warehouseBackends } from './warehouses.ts';

const schema: DatasetDefinition['schema'] = {
  fields: [
    { name: 'orderId', type: 'string', required: true },
    { name: 'note', type: 'string' },
    { name: 'amount', type: 'number' },
    { name: 'paid', type: 'boolean' },
    { name: 'orderedAt', type: 'datetime' },
    { name: 'tags', type: 'json' },
  ],
};

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let result = '';
  for await (const chunk of chunks) result += chunk;
  return result;
}

const skips = await Promise.all(warehouseBackends.map((backend) => backend.skip()));

for (const [index, backend] of warehouseBackends.entries()) {
  describe(`export on ${backend.name}`, { skip: skips[index] }, () => {
    let warehouse: Warehouse;
    let dataset: DatasetDefinition;
    let secondBatchId: string;

    beforeEach(async () => {
      warehouse = await backend.open();
      dataset = datasetOf(schema);

      const first = await warehouse.openBatch(dataset, 'run-1');
      await first.write([
        {
          orderId: 'A-1',
          note: 'says "hi", then\nleaves',
          amount: 12.5,
          paid: true,
          orderedAt: Date.UTC(2026, 11, 4, 9),
          tags: ['a', 'b'],
        },
        { orderId: 'A-2', note: null, amount: null, paid: false, orderedAt: null, tags: null },
      ]);
      await first.commit({ supersedesBatchIds: [] });

      const second = await warehouse.openBatch(dataset, 'run-2');
      await second.write([
        { orderId: 'A-3', note: 'plain', amount: -1, paid: null, orderedAt: Date.UTC(2026, 11, 5), tags: { k: 1 } },
      ]);
      await second.commit({ supersedesBatchIds: [] });
      secondBatchId = second.batchId;
    });

    afterEach(async () => {
      await warehouse.close();
    });

    test('CSV of a dataset', async () => {
      const csv = await text(exportDataset(warehouse, dataset, { format: 'csv' }));
      assert.equal(
        csv,
        'orderId,note,amount,paid,orderedAt,tags\r\n' +
          'A-1,"says ""hi"", then\nleaves",12.5,true,2026-12-04T09:00:00Z,"[""a"",""b""]"\r\n' +
          'A-2,,,false,,\r\n' +
          'A-3,plain,-1,,2026-12-05T00:00:00Z,"{""k"":1}"\r\n',
      );
    });

    test('CSV of one batch', async () => {
      const csv = await text(exportDataset(warehouse, dataset, { format: 'csv', batchId: secondBatchId }));
      assert.equal(
        csv,
        'orderId,note,amount,paid,orderedAt,tags\r\nA-3,plain,-1,,2026-12-05T00:00:00Z,"{""k"":1}"\r\n',
      );
    });

    test('NDJSON of a dataset', async () => {
      const ndjson = await text(exportDataset(warehouse, dataset, { format: 'ndjson' }));
      const lines = ndjson.split('\n');
      assert.equal(lines.pop(), '');
      assert.deepEqual(
        lines.map((line) => JSON.parse(line)),
        [
          {
            orderId: 'A-1',
            note: 'says "hi", then\nleaves',
            amount: 12.5,
            paid: true,
            orderedAt: '2026-12-04T09:00:00Z',
            tags: ['a', 'b'],
          },
          { orderId: 'A-2', note: null, amount: null, paid: false, orderedAt: null, tags: null },
          { orderId: 'A-3', note: 'plain', amount: -1, paid: null, orderedAt: '2026-12-05T00:00:00Z', tags: { k: 1 } },
        ],
      );
    });

    test('NDJSON of one batch', async () => {
      const ndjson = await text(exportDataset(warehouse, dataset, { format: 'ndjson', batchId: secondBatchId }));
      assert.equal(
        ndjson,
        '{"orderId":"A-3","note":"plain","amount":-1,"paid":null,"orderedAt":"2026-12-05T00:00:00Z","tags":{"k":1}}\n',
      );
    });

    test('export of more than one page', async () => {
      const big = datasetOf({ fields: [{ name: 'n', type: 'integer' }] });
      const writer = await warehouse.openBatch(big, 'run-big');
      await writer.write(Array.from({ length: 12_345 }, (_, n) => ({ n })));
      await writer.commit({ supersedesBatchIds: [] });

      const csv = await text(exportDataset(warehouse, big, { format: 'csv' }));
      const lines = csv.split('\r\n');
      assert.equal(lines.length, 12_347);
      assert.equal(lines[1], '0');
      assert.equal(lines[12_345], '12344');
    });
  });
}
