import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { formatInstant, type Clock } from '../domain/time.ts';
import type { BatchInfo, BatchWriter, DatasetDefinition, DatasetRow, FieldType, RowPage, Warehouse } from './types.ts';
import {
  BATCHES_TABLE,
  batchNotStaged,
  checkDefinition,
  datasetTableName,
  fieldsToAdd,
  quoteIdentifier as q,
  runAlreadyCommitted,
  stagingTableName,
  STREAM_PAGE_ROWS,
  toBatchInfo,
  type BatchRow,
} from './warehouse-tables.ts';

// The embedded warehouse: one SQLite file apart from the metadata database. better-sqlite3 is
// synchronous, so each statement and transaction below runs whole before any other work.
// Storage: booleans as 0/1, datetimes as epoch milliseconds, dates as `yyyy-MM-dd`, json as text.

/** Rows per write transaction into a staging table. */
const ROWS_PER_TRANSACTION = 10_000;

const columnTypes: Record<FieldType, string> = {
  string: 'TEXT',
  integer: 'INTEGER',
  number: 'REAL',
  boolean: 'INTEGER',
  date: 'TEXT',
  datetime: 'INTEGER',
  json: 'TEXT',
};

type Encoder = (value: unknown) => unknown;
type Decoder = (value: unknown) => unknown;

const encoders: Record<FieldType, Encoder> = {
  string: (value) => value ?? null,
  integer: (value) => value ?? null,
  number: (value) => value ?? null,
  boolean: (value) => {
    if (value === null || value === undefined) return null;
    return value ? 1 : 0;
  },
  date: (value) => value ?? null,
  datetime: (value) => value ?? null,
  json: (value) => (value === null || value === undefined ? null : JSON.stringify(value)),
};

const decoders: Record<FieldType, Decoder> = {
  string: (value) => value,
  integer: (value) => value,
  number: (value) => value,
  boolean: (value) => (value === null ? null : value === 1),
  date: (value) => value,
  datetime: (value) => (value === null ? null : formatInstant(value as number)),
  json: (value) => (value === null ? null : JSON.parse(value as string)),
};

export function openSqliteWarehouse(file: string, clock: Clock): Warehouse {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    create table if not exists ${BATCHES_TABLE} (
      id text primary key,
      dataset_id text not null,
      run_id text not null,
      status text not null,
      record_count integer not null default 0,
      created_at integer not null,
      committed_at integer
    );
    create index if not exists ${BATCHES_TABLE}_dataset on ${BATCHES_TABLE} (dataset_id, created_at);
    create index if not exists ${BATCHES_TABLE}_run on ${BATCHES_TABLE} (run_id);
  `);
  return new SqliteWarehouse(db, clock);
}

class SqliteWarehouse implements Warehouse {
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly clock: Clock,
  ) {}

  async ensureDataset(dataset: DatasetDefinition): Promise<void> {
    checkDefinition(dataset);
    const table = datasetTableName(dataset.id);
    const existing = this.columnsOf(table);

    if (existing.size === 0) {
      this.createDatasetTable(dataset, table);
      return;
    }
    for (const field of fieldsToAdd(dataset, existing, (type) => columnTypes[type])) {
      this.db.exec(`alter table ${q(table)} add column ${q(field.name)} ${columnTypes[field.type]}`);
    }
    this.ensureKeyIndex(dataset, table);
  }

  private createDatasetTable(dataset: DatasetDefinition, table: string): void {
    const columns = dataset.schema.fields.map((field) => `${q(field.name)} ${columnTypes[field.type]}`);
    this.db.transaction(() => {
      this.db.exec(
        `create table ${q(table)} ("_row" integer primary key, "_batch_id" text not null, ${columns.join(', ')})`,
      );
      this.db.exec(`create index ${q(`${table}_batch`)} on ${q(table)} ("_batch_id", "_row")`);
      this.ensureKeyIndex(dataset, table);
    })();
  }

  /** Creates the unique index that upserts rely on, also for a key set after the first ingestion. */
  private ensureKeyIndex(dataset: DatasetDefinition, table: string): void {
    if (!dataset.primaryKey) return;
    // NOTE: a key changed to other fields keeps the first key's index, so upserts then fail.
    this.db.exec(
      `create unique index if not exists ${q(`${table}_key`)} on ${q(table)} (${dataset.primaryKey.map(q).join(', ')})`,
    );
  }

  private columnsOf(table: string): Map<string, string> {
    const rows = this.db.prepare(`select name, type from pragma_table_info(?)`).all(table) as {
      name: string;
      type: string;
    }[];
    return new Map(rows.map((row) => [row.name, row.type]));
  }

  async dropDataset(datasetId: string): Promise<void> {
    const staged = this.db
      .prepare(`select id from ${BATCHES_TABLE} where dataset_id = ? and status = 'staged'`)
      .all(datasetId) as { id: string }[];
    this.db.transaction(() => {
      for (const batch of staged) this.db.exec(`drop table if exists ${q(stagingTableName(batch.id))}`);
      this.db.exec(`drop table if exists ${q(datasetTableName(datasetId))}`);
      this.db.prepare(`delete from ${BATCHES_TABLE} where dataset_id = ?`).run(datasetId);
    })();
  }

  async openBatch(dataset: DatasetDefinition, runId: string): Promise<BatchWriter> {
    await this.ensureDataset(dataset);
    const batchId = randomUUID();
    const staging = stagingTableName(batchId);
    const columns = dataset.schema.fields.map((field) => `${q(field.name)} ${columnTypes[field.type]}`);

    this.db.transaction(() => {
      const earlier = this.db.prepare(`select id, status from ${BATCHES_TABLE} where run_id = ?`).all(runId) as Pick<
        BatchRow,
        'id' | 'status'
      >[];
      const committed = earlier.find((batch) => batch.status !== 'staged');
      if (committed) throw runAlreadyCommitted(runId, committed.id);

      // A crashed attempt of the same run left its staging behind; it never becomes visible.
      for (const batch of earlier) this.db.exec(`drop table if exists ${q(stagingTableName(batch.id))}`);
      this.db.prepare(`delete from ${BATCHES_TABLE} where run_id = ?`).run(runId);

      this.db.exec(`create table ${q(staging)} ("_seq" integer primary key, ${columns.join(', ')})`);
      this.db
        .prepare(
          `insert into ${BATCHES_TABLE} (id, dataset_id, run_id, status, record_count, created_at) values (?, ?, ?, 'staged', 0, ?)`,
        )
        .run(batchId, dataset.id, runId, this.clock.now());
    })();
    return new SqliteBatchWriter(this.db, this.clock, dataset, batchId);
  }

  async findCommittedBatch(runId: string): Promise<BatchInfo | null> {
    const row = this.db
      .prepare(`select * from ${BATCHES_TABLE} where run_id = ? and status in ('committed', 'superseded')`)
      .get(runId) as BatchRow | undefined;
    return row ? toBatchInfo(row) : null;
  }

  async listBatches(datasetId: string, options: { limit: number; offset: number }): Promise<BatchInfo[]> {
    const rows = this.db
      .prepare(`select * from ${BATCHES_TABLE} where dataset_id = ? order by created_at desc, id limit ? offset ?`)
      .all(datasetId, options.limit, options.offset) as BatchRow[];
    return rows.map(toBatchInfo);
  }

  async stats(datasetId: string): Promise<{ rowCount: number; batchCount: number }> {
    const table = datasetTableName(datasetId);
    const batches = this.db
      .prepare(`select count(*) as count from ${BATCHES_TABLE} where dataset_id = ? and status = 'committed'`)
      .get(datasetId) as { count: number };
    if (this.columnsOf(table).size === 0) return { rowCount: 0, batchCount: batches.count };
    const rows = this.db.prepare(`select count(*) as count from ${q(table)}`).get() as { count: number };
    return { rowCount: rows.count, batchCount: batches.count };
  }

  async readRows(
    dataset: DatasetDefinition,
    options: { limit: number; offset: number; batchId?: string },
  ): Promise<RowPage> {
    const { sql, params } = this.selectRows(dataset, options.batchId, 'limit ? offset ?');
    const rows = this.db.prepare(sql).all(...params, options.limit + 1, options.offset) as Record<string, unknown>[];
    const hasMore = rows.length > options.limit;
    const items = rows.slice(0, options.limit).map((row) => decodeRow(dataset, row));
    return { items, nextOffset: hasMore ? options.offset + options.limit : null };
  }

  async *streamRows(dataset: DatasetDefinition, options: { batchId?: string }): AsyncIterable<DatasetRow[]> {
    // Keyset paging on `_row` keeps each page cheap and memory flat whatever the table size.
    const { sql, params } = this.selectRows(dataset, options.batchId, 'limit ?', 'and "_row" > ?');
    const statement = this.db.prepare(sql);
    let lastRow = 0;
    for (;;) {
      const rows = statement.all(...params, lastRow, STREAM_PAGE_ROWS) as Record<string, unknown>[];
      if (rows.length === 0) return;
      lastRow = rows[rows.length - 1]!._row as number;
      yield rows.map((row) => decodeRow(dataset, row));
      if (rows.length < STREAM_PAGE_ROWS) return;
    }
  }

  private selectRows(dataset: DatasetDefinition, batchId: string | undefined, tail: string, extraCondition = '') {
    const table = datasetTableName(dataset.id);
    if (this.columnsOf(table).size === 0) this.createDatasetTable(dataset, table);
    const columns = dataset.schema.fields.map((field) => q(field.name)).join(', ');
    const condition = batchId === undefined ? 'true' : '"_batch_id" = ?';
    return {
      sql: `select "_row", ${columns} from ${q(table)} where ${condition} ${extraCondition} order by "_row" ${tail}`,
      params: batchId === undefined ? [] : [batchId],
    };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function decodeRow(dataset: DatasetDefinition, row: Record<string, unknown>): DatasetRow {
  const result: DatasetRow = {};
  for (const field of dataset.schema.fields) result[field.name] = decoders[field.type](row[field.name] ?? null);
  return result;
}

class SqliteBatchWriter implements BatchWriter {
  private state: 'open' | 'committed' | 'aborted' = 'open';
  private readonly staging: string;
  private readonly insert: BetterSqlite3.Statement;
  private readonly fieldEncoders: [string, Encoder][];

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly clock: Clock,
    private readonly dataset: DatasetDefinition,
    readonly batchId: string,
  ) {
    this.staging = stagingTableName(batchId);
    const fields = dataset.schema.fields;
    this.fieldEncoders = fields.map((field) => [field.name, encoders[field.type]]);
    this.insert = db.prepare(
      `insert into ${q(this.staging)} (${fields.map((field) => q(field.name)).join(', ')}) values (${fields.map(() => '?').join(', ')})`,
    );
  }

  async write(rows: DatasetRow[]): Promise<void> {
    this.assertOpen();
    const values: unknown[] = new Array(this.fieldEncoders.length);
    const insertChunk = this.db.transaction((chunk: DatasetRow[]) => {
      for (const row of chunk) {
        for (let index = 0; index < this.fieldEncoders.length; index += 1) {
          const [name, encode] = this.fieldEncoders[index]!;
          values[index] = encode(row[name]);
        }
        this.insert.run(values);
      }
    });
    for (let start = 0; start < rows.length; start += ROWS_PER_TRANSACTION) {
      insertChunk(rows.slice(start, start + ROWS_PER_TRANSACTION));
      // Lets timers and I/O (lease renewal, API requests) run between large transactions.
      if (start + ROWS_PER_TRANSACTION < rows.length) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async commit(options: { supersedesBatchIds: string[] }): Promise<{ recordCount: number }> {
    this.assertOpen();
    const table = datasetTableName(this.dataset.id);
    const recordCount = this.db.transaction(() => {
      const batch = this.db.prepare(`select status from ${BATCHES_TABLE} where id = ?`).get(this.batchId) as
        { status: string } | undefined;
      if (batch?.status !== 'staged') throw batchNotStaged(this.batchId, batch?.status);

      for (const supersededId of options.supersedesBatchIds) {
        this.db.prepare(`delete from ${q(table)} where "_batch_id" = ?`).run(supersededId);
        this.db
          .prepare(`update ${BATCHES_TABLE} set status = 'superseded' where id = ? and status = 'committed'`)
          .run(supersededId);
      }

      const count = this.moveStagedRows(table);
      this.db
        .prepare(`update ${BATCHES_TABLE} set status = 'committed', record_count = ?, committed_at = ? where id = ?`)
        .run(count, this.clock.now(), this.batchId);
      this.db.exec(`drop table ${q(this.staging)}`);
      return count;
    })();
    this.state = 'committed';
    return { recordCount };
  }

  /** Appends or upserts the staged rows in staging order, so the last row of a duplicate key wins. */
  private moveStagedRows(table: string): number {
    const names = this.dataset.schema.fields.map((field) => q(field.name));
    // `where true` keeps SQLite from reading `on conflict` as part of the select's join.
    const insert = `insert into ${q(table)} ("_batch_id", ${names.join(', ')}) select ?, ${names.join(', ')} from ${q(this.staging)} where true order by "_seq"`;
    const key = this.dataset.primaryKey;
    if (!key) return this.db.prepare(insert).run(this.batchId).changes;

    const updates = ['"_batch_id"', ...names].map((name) => `${name} = excluded.${name}`);
    this.db
      .prepare(`${insert} on conflict (${key.map(q).join(', ')}) do update set ${updates.join(', ')}`)
      .run(this.batchId);
    const distinct = this.db
      .prepare(`select count(*) as count from (select distinct ${key.map(q).join(', ')} from ${q(this.staging)})`)
      .get() as { count: number };
    return distinct.count;
  }

  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.db.transaction(() => {
      this.db.exec(`drop table if exists ${q(this.staging)}`);
      this.db.prepare(`delete from ${BATCHES_TABLE} where id = ? and status = 'staged'`).run(this.batchId);
    })();
    this.state = 'aborted';
  }

  private assertOpen(): void {
    if (this.state !== 'open')
      throw new Error(`Batch ${this.batchId} is already ${this.state}; open a new batch to write more rows.`);
  }
}
