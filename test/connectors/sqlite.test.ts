import path from 'node:path';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { sqliteConnector } from '../../src/connectors/sqlite/index.ts';
import { makeTempDir } from '../support/backends.ts';
import { ORDER_TIMES, tableConnectorCases, type TableFixture } from './table-cases.ts';

async function fixture(): Promise<TableFixture> {
  const root = makeTempDir();
  const database = new Database(path.join(root, 'crm.db'));
  database.exec('create table orders (id integer primary key, label text, updated_at datetime)');
  const insert = database.prepare('insert into orders values (?, ?, ?)');
  for (const [index, time] of ORDER_TIMES.entries()) insert.run(index + 1, `order ${index + 1}`, time);
  database.exec('create view orders_view as select * from orders');
  database.close();
  return {
    context: { params: { path: 'crm.db' }, fileRoots: [root] },
    tableName: 'orders',
    viewName: 'main.orders_view',
    explorePath: '',
    cleanup: async () => {},
  };
}

describe('sqlite connector', () => {
  tableConnectorCases(sqliteConnector, fixture);
});

describe('sqlite delta values', () => {
  test('T separator and date-only values', async () => {
    const root = makeTempDir();
    const database = new Database(path.join(root, 'events.db'));
    database.exec('create table events (id integer, happened_at timestamp, day date)');
    const insert = database.prepare('insert into events values (?, ?, ?)');
    insert.run(1, '2026-12-04T09:59:59', '2026-12-03');
    insert.run(2, '2026-12-04T10:00', '2026-12-04');
    insert.run(3, '2026-12-04T10:00:00.5', '2026-12-05');
    database.close();

    const read = async (deltaColumn: string, start: string, end: string) => {
      const stream = await sqliteConnector.read(
        { params: { path: 'events.db' }, fileRoots: [root] },
        {
          source: { data: { format: 'tabular' }, params: { tableName: 'events' } },
          window: { startMs: Date.parse(start), endMs: Date.parse(end) },
          deltaColumn,
        },
      );
      const ids: unknown[] = [];
      for await (const batch of stream.batches)
        if ('records' in batch) ids.push(...batch.records.map((record) => record.id));
      await stream.close();
      return ids;
    };

    assert.deepEqual(await read('happened_at', '2026-12-04T10:00:00Z', '2026-12-04T11:00:00Z'), [2, 3]);
    assert.deepEqual(await read('day', '2026-12-04T00:00:00Z', '2026-12-05T00:00:00Z'), [2]);
  });
});
