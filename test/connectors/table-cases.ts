import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionContext, Connector, ConnectorError, ReadRequest } from '../../src/connectors/types.ts';

// The cases every table connector passes, run by the PostgreSQL, MariaDB and SQLite suites on a table
// `orders` created by their fixture with these rows (local times without time zone):
//   1  2026-12-04 09:59:59.999      2  2026-12-04 10:00:00 (a window boundary)
//   3  2026-12-04 10:30:00          4  2026-12-04 11:00:00
// and a view `orders_view` over it.

export const ORDER_TIMES = [
  '2026-12-04 09:59:59.999',
  '2026-12-04 10:00:00',
  '2026-12-04 10:30:00',
  '2026-12-04 11:00:00',
];

export interface TableFixture {
  context: ConnectionContext;
  /** The table name as a source connection gives it. */
  tableName: string;
  viewName: string;
  /** The explore path that lists the fixture's tables. */
  explorePath: string;
  /** A delta column with a time zone holding the same instants in UTC, when the database has one. */
  zonedColumn?: string;
  cleanup(): Promise<void>;
}

const at = (iso: string) => Date.parse(iso);

export function tableConnectorCases(connector: Connector, fixture: () => Promise<TableFixture>): void {
  async function readIds(
    f: TableFixture,
    request: Omit<ReadRequest, 'source'>,
    tableName = f.tableName,
  ): Promise<number[]> {
    const stream = await connector.read(f.context, {
      source: { data: { format: 'tabular' }, params: { tableName } },
      ...request,
    });
    const ids: number[] = [];
    for await (const batch of stream.batches)
      if ('records' in batch) ids.push(...batch.records.map((record) => Number(record.id)));
    await stream.close();
    return ids.sort();
  }

  const withFixture = (run: (f: TableFixture) => Promise<void>) => async () => {
    const f = await fixture();
    try {
      await run(f);
    } finally {
      await f.cleanup();
    }
  };

  test(
    'boundary row read by exactly one window',
    withFixture(async (f) => {
      const first = { startMs: at('2026-12-04T09:00:00Z'), endMs: at('2026-12-04T10:00:00Z') };
      const second = { startMs: at('2026-12-04T10:00:00Z'), endMs: at('2026-12-04T11:00:00Z') };
      assert.deepEqual(await readIds(f, { window: first, deltaColumn: 'updated_at', batchSize: 1 }), [1]);
      assert.deepEqual(await readIds(f, { window: second, deltaColumn: 'updated_at', batchSize: 1 }), [2, 3]);
      assert.deepEqual(await readIds(f, { window: second, deltaColumn: 'updated_at' }, f.viewName), [2, 3]);
      if (f.zonedColumn) {
        assert.deepEqual(await readIds(f, { window: first, deltaColumn: f.zonedColumn }), [1]);
        assert.deepEqual(await readIds(f, { window: second, deltaColumn: f.zonedColumn }), [2, 3]);
      }
    }),
  );

  test(
    'close after the first batch',
    withFixture(async (f) => {
      const stream = await connector.read(f.context, {
        source: { data: { format: 'tabular' }, params: { tableName: f.tableName } },
        window: { startMs: 0, endMs: at('2100-01-01T00:00:00Z') },
        deltaColumn: 'updated_at',
        batchSize: 1,
      });
      const first = await stream.batches[Symbol.asyncIterator]().next();
      assert.equal(first.done, false);
      await stream.close();
      assert.deepEqual(
        await readIds(f, { window: { startMs: 0, endMs: at('2100-01-01T00:00:00Z') }, deltaColumn: 'updated_at' }),
        [1, 2, 3, 4],
      );
    }),
  );

  test(
    'timestamp without time zone read in Europe/Paris',
    withFixture(async (f) => {
      // 09:00Z to 10:00Z is 10:00 to 11:00 in Paris in December (UTC+1).
      const window = { startMs: at('2026-12-04T09:00:00Z'), endMs: at('2026-12-04T10:00:00Z') };
      assert.deepEqual(await readIds(f, { window, deltaColumn: 'updated_at', timezone: 'Europe/Paris' }), [2, 3]);
      if (f.zonedColumn) {
        assert.deepEqual(await readIds(f, { window, deltaColumn: f.zonedColumn, timezone: 'Europe/Paris' }), [1]);
      }
    }),
  );

  test(
    'table not in discovery rejected',
    withFixture(async (f) => {
      for (const tableName of ['missing', `${f.tableName}; drop table orders`, `${f.tableName}" --`]) {
        await assert.rejects(
          connector.validateSource(f.context, { data: { format: 'tabular' }, params: { tableName } }),
          (error: ConnectorError) => {
            assert.equal(error.code, 'TABLE_NOT_FOUND');
            assert.equal(error.transient, false);
            return true;
          },
        );
      }
      const window = { startMs: 0, endMs: at('2100-01-01T00:00:00Z') };
      assert.deepEqual(await readIds(f, { window, deltaColumn: 'updated_at' }), [1, 2, 3, 4]);
    }),
  );

  test(
    'delta column must be a date or time column',
    withFixture(async (f) => {
      const source = { data: { format: 'tabular' }, params: { tableName: f.tableName } };
      const deltaColumns = await connector.deltaColumns!(f.context, source);
      assert.ok(deltaColumns.some((column) => column.name === 'updated_at' && column.withoutTimeZone === true));
      assert.ok(!deltaColumns.some((column) => column.name === 'label'));
      await assert.rejects(
        connector.read(f.context, { source, window: { startMs: 0, endMs: 1 }, deltaColumn: 'label' }),
        (error: ConnectorError) => error.code === 'DELTA_COLUMN_NOT_FOUND',
      );
    }),
  );

  test(
    'explore lists tables and previews',
    withFixture(async (f) => {
      await connector.check(f.context);
      const listed = await connector.explore(f.context, { path: f.explorePath });
      const items = listed.items.map((item) => [item.name, item.type]);
      assert.ok(items.some(([name, type]) => name === 'orders' && type === 'table'));
      assert.ok(items.some(([name, type]) => name === 'orders_view' && type === 'view'));

      const preview = await connector.explore(f.context, { object: f.tableName, previewRows: 2 });
      assert.equal(preview.preview?.rows.length, 2);
      const columns = Object.fromEntries((preview.preview?.columns ?? []).map((column) => [column.name, column]));
      assert.equal(columns.id?.type, 'integer');
      assert.equal(columns.label?.type, 'string');
      assert.equal(columns.updated_at?.type, 'datetime');
      assert.equal(columns.updated_at?.canBeDeltaColumn, true);
    }),
  );
}
