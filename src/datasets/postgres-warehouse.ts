import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import pgCopyStreams from 'pg-copy-streams';
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

// The PostgreSQL warehouse. Rows reach an UNLOGGED staging table through `COPY … FROM STDIN` in
// text format, and commit moves them into the dataset table in one transaction. Column types:
// bigint, double precision, boolean, date, timestamptz and jsonb.

/** Rows per text chunk pushed into the COPY stream. */
const ROWS_PER_COPY_CHUNK = 1_000;

const OID_INT8 = 20;
const OID_DATE = 1082;

const columnTypes: Record<FieldType, string> = {
  string: 'text',
  integer: 'bigint',
  number: 'double precision',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamp with time zone',
  json: 'jsonb',
};

/**
 * Encoders of non-null values into COPY text format, before escaping.
 * NOTE: PostgreSQL rejects the NUL character in text and jsonb, so a string containing one fails the COPY.
 */
const copyEncoders: Record<FieldType, (value: unknown) => string> = {
  string: (value) => String(value),
  integer: (value) => String(value),
  number: (value) => String(value),
  boolean: (value) => (value ? 't' : 'f'),
  date: (value) => String(value),
  datetime: (value) => new Date(value as number).toISOString(),
  json: (value) => JSON.stringify(value),
};

const decoders: Record<FieldType, (value: unknown) => unknown> = {
  string: (value) => value,
  integer: (value) => value,
  number: (value) => value,
  boolean: (value) => value,
  date: (value) => value,
  datetime: (value) => (value === null ? null : formatInstant((value as Date).getTime())),
  json: (value) => value,
};

export interface PostgresWarehouseOptions {
  url: string;
  schema: string | undefined;
  clock: Clock;
  poolSize?: number;
}

export async function openPostgresWarehouse(options: PostgresWarehouseOptions): Promise<Warehouse> {
  const schema = options.schema ?? 'public';
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 5,
    options: `-c search_path=${q(schema)}`,
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') => {
        // bigint columns contain safe integers only, and dates stay `yyyy-MM-dd` strings.
        if (oid === OID_INT8) return Number;
        if (oid === OID_DATE) return (value: string) => value;
        return pg.types.getTypeParser(oid, format);
      },
    } as pg.CustomTypesConfig,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next query.
  });

  try {
    await pool.query(`create schema if not exists ${q(schema)}`);
    await pool.query(`
      create table if not exists ${BATCHES_TABLE} (
        id text primary key,
        dataset_id text not null,
        run_id text not null,
        status text not null,
        record_count bigint not null default 0,
        created_at bigint not null,
        committed_at bigint
      );
      create index if not exists ${BATCHES_TABLE}_dataset on ${BATCHES_TABLE} (dataset_id, created_at);
      create index if not exists ${BATCHES_TABLE}_run on ${BATCHES_TABLE} (run_id);
    `);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresWarehouse(pool, options.clock);
}

class PostgresWarehouse implements Warehouse {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
  ) {}

  async ensureDataset(dataset: DatasetDefinition): Promise<void> {
    checkDefinition(dataset);
    const table = datasetTableName(dataset.id);
    const existing = await this.columnsOf(table);

    if (existing.size === 0) {
      await this.createDatasetTable(dataset, table);
      return;
    }
    for (const field of fieldsToAdd(dataset, existing, (type) => columnTypes[type])) {
      await this.pool.query(
        `alter table ${q(table)} add column if not exists ${q(field.name)} ${columnTypes[field.type]}`,
      );
    }
    await this.ensureKeyIndex(dataset, table);
  }

  private async createDatasetTable(dataset: DatasetDefinition, table: string): Promise<void> {
    const columns = dataset.schema.fields.map((field) => `${q(field.name)} ${columnTypes[field.type]}`);
    await this.inTransaction(async (client) => {
      // Two runs creating one table at once would both pass `if not exists` and collide in the catalog.
      await lockTable(client, table);
      await client.query(`
        create table if not exists ${q(table)} (
          "_row" bigint generated always as identity primary key,
          "_batch_id" text not null,
          ${columns.join(', ')}
        );
        create index if not exists ${q(`${table}_batch`)} on ${q(table)} ("_batch_id", "_row");
      `);
    });
    await this.ensureKeyIndex(dataset, table);
  }

  /** Creates the unique index that upserts rely on, also for a key set after the first ingestion. */
  private async ensureKeyIndex(dataset: DatasetDefinition, table: string): Promise<void> {
    if (!dataset.primaryKey) return;
    // NOTE: a key changed to other fields keeps the first key's index, so upserts then fail.
    await this.pool.query(
      `create unique index if not exists ${q(`${table}_key`)} on ${q(table)} (${dataset.primaryKey.map(q).join(', ')})`,
    );
  }

  private async columnsOf(table: string): Promise<Map<string, string>> {
    const result = await this.pool.query<{ column_name: string; data_type: string }>(
      `select column_name, data_type from information_schema.columns where table_schema = current_schema() and table_name = $1`,
      [table],
    );
    return new Map(result.rows.map((row) => [row.column_name, row.data_type]));
  }

  async dropDataset(datasetId: string): Promise<void> {
    await this.inTransaction(async (client) => {
      const staged = await client.query<{ id: string }>(
        `select id from ${BATCHES_TABLE} where dataset_id = $1 and status = 'staged'`,
        [datasetId],
      );
      for (const batch of staged.rows) await client.query(`drop table if exists ${q(stagingTableName(batch.id))}`);
      await client.query(`drop table if exists ${q(datasetTableName(datasetId))}`);
      await client.query(`delete from ${BATCHES_TABLE} where dataset_id = $1`, [datasetId]);
    });
  }

  async openBatch(dataset: DatasetDefinition, runId: string): Promise<BatchWriter> {
    await this.ensureDataset(dataset);
    const batchId = randomUUID();
    const staging = stagingTableName(batchId);
    const columns = dataset.schema.fields.map((field) => `${q(field.name)} ${columnTypes[field.type]}`);

    await this.inTransaction(async (client) => {
      const earlier = await client.query<Pick<BatchRow, 'id' | 'status'>>(
        `select id, status from ${BATCHES_TABLE} where run_id = $1 for update`,
        [runId],
      );
      const committed = earlier.rows.find((batch) => batch.status !== 'staged');
      if (committed) throw runAlreadyCommitted(runId, committed.id);

      // A crashed attempt of the same run left its staging behind; it never becomes visible.
      for (const batch of earlier.rows) await client.query(`drop table if exists ${q(stagingTableName(batch.id))}`);
      await client.query(`delete from ${BATCHES_TABLE} where run_id = $1`, [runId]);

      await client.query(
        `create unlogged table ${q(staging)} ("_seq" bigint generated always as identity, ${columns.join(', ')})`,
      );
      await client.query(
        `insert into ${BATCHES_TABLE} (id, dataset_id, run_id, status, record_count, created_at) values ($1, $2, $3, 'staged', 0, $4)`,
        [batchId, dataset.id, runId, this.clock.now()],
      );
    });
    return new PostgresBatchWriter(this, this.clock, dataset, batchId);
  }

  async findCommittedBatch(runId: string): Promise<BatchInfo | null> {
    const result = await this.pool.query<BatchRow>(
      `select * from ${BATCHES_TABLE} where run_id = $1 and status in ('committed', 'superseded')`,
      [runId],
    );
    return result.rows[0] ? toBatchInfo(result.rows[0]) : null;
  }

  async listBatches(datasetId: string, options: { limit: number; offset: number }): Promise<BatchInfo[]> {
    const result = await this.pool.query<BatchRow>(
      `select * from ${BATCHES_TABLE} where dataset_id = $1 order by created_at desc, id limit $2 offset $3`,
      [datasetId, options.limit, options.offset],
    );
    return result.rows.map(toBatchInfo);
  }

  async stats(datasetId: string): Promise<{ rowCount: number; batchCount: number }> {
    const table = datasetTableName(datasetId);
    const batches = await this.pool.query<{ count: number }>(
      `select count(*) as count from ${BATCHES_TABLE} where dataset_id = $1 and status = 'committed'`,
      [datasetId],
    );
    const batchCount = batches.rows[0]!.count;
    if ((await this.columnsOf(table)).size === 0) return { rowCount: 0, batchCount };
    const rows = await this.pool.query<{ count: number }>(`select count(*) as count from ${q(table)}`);
    return { rowCount: rows.rows[0]!.count, batchCount };
  }

  async readRows(
    dataset: DatasetDefinition,
    options: { limit: number; offset: number; batchId?: string },
  ): Promise<RowPage> {
    const { sql, params } = await this.selectRows(dataset, options.batchId, '');
    const limitIndex = params.length + 1;
    const result = await this.pool.query(`${sql} limit $${limitIndex} offset $${limitIndex + 1}`, [
      ...params,
      options.limit + 1,
      options.offset,
    ]);
    const hasMore = result.rows.length > options.limit;
    const items = result.rows.slice(0, options.limit).map((row) => decodeRow(dataset, row));
    return { items, nextOffset: hasMore ? options.offset + options.limit : null };
  }

  async *streamRows(dataset: DatasetDefinition, options: { batchId?: string }): AsyncIterable<DatasetRow[]> {
    // Keyset paging on `_row` keeps each page cheap and memory flat whatever the table size.
    const after = options.batchId === undefined ? 1 : 2;
    const { sql, params } = await this.selectRows(dataset, options.batchId, `and "_row" > $${after}`);
    let lastRow = 0;
    for (;;) {
      const result = await this.pool.query(`${sql} limit $${after + 1}`, [...params, lastRow, STREAM_PAGE_ROWS]);
      if (result.rows.length === 0) return;
      lastRow = result.rows[result.rows.length - 1]._row as number;
      yield result.rows.map((row) => decodeRow(dataset, row));
      if (result.rows.length < STREAM_PAGE_ROWS) return;
    }
  }

  private async selectRows(dataset: DatasetDefinition, batchId: string | undefined, extraCondition: string) {
    const table = datasetTableName(dataset.id);
    if ((await this.columnsOf(table)).size === 0) await this.createDatasetTable(dataset, table);
    const columns = dataset.schema.fields.map((field) => q(field.name)).join(', ');
    const condition = batchId === undefined ? 'true' : '"_batch_id" = $1';
    return {
      sql: `select "_row", ${columns} from ${q(table)} where ${condition} ${extraCondition} order by "_row"`,
      params: batchId === undefined ? [] : [batchId],
    };
  }

  /** Runs `work` in one transaction on one pooled client. */
  async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  connect(): Promise<pg.PoolClient> {
    return this.pool.connect();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Takes a transaction-scoped advisory lock named after a warehouse table. */
async function lockTable(client: pg.PoolClient, table: string): Promise<void> {
  await client.query(`select pg_advisory_xact_lock(hashtext($1))`, [`tributary:${table}`]);
}

function decodeRow(dataset: DatasetDefinition, row: Record<string, unknown>): DatasetRow {
  const result: DatasetRow = {};
  for (const field of dataset.schema.fields) result[field.name] = decoders[field.type](row[field.name] ?? null);
  return result;
}

const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Escapes a value for COPY text format: backslash, tab, newline and carriage return. */
function escapeCopyText(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (char) => copyEscapes[char]!) : text;
}

class PostgresBatchWriter implements BatchWriter {
  private state: 'open' | 'committed' | 'aborted' = 'open';
  private writtenRows = 0;
  private readonly staging: string;
  private readonly fieldEncoders: [string, (value: unknown) => string][];

  constructor(
    private readonly warehouse: PostgresWarehouse,
    private readonly clock: Clock,
    private readonly dataset: DatasetDefinition,
    readonly batchId: string,
  ) {
    this.staging = stagingTableName(batchId);
    this.fieldEncoders = dataset.schema.fields.map((field) => [field.name, copyEncoders[field.type]]);
  }

  async write(rows: DatasetRow[]): Promise<void> {
    this.assertOpen();
    if (rows.length === 0) return;
    const names = this.dataset.schema.fields.map((field) => q(field.name)).join(', ');
    const client = await this.warehouse.connect();
    try {
      const copy = client.query(pgCopyStreams.from(`copy ${q(this.staging)} (${names}) from stdin`));
      await pipeline(this.copyChunks(rows), copy);
      this.writtenRows += rows.length;
    } finally {
      client.release();
    }
  }

  private *copyChunks(rows: DatasetRow[]): Generator<string> {
    for (let start = 0; start < rows.length; start += ROWS_PER_COPY_CHUNK) {
      let chunk = '';
      const end = Math.min(start + ROWS_PER_COPY_CHUNK, rows.length);
      for (let index = start; index < end; index += 1) chunk += this.copyLine(rows[index]!);
      yield chunk;
    }
  }

  private copyLine(row: DatasetRow): string {
    let line = '';
    for (let index = 0; index < this.fieldEncoders.length; index += 1) {
      const [name, encode] = this.fieldEncoders[index]!;
      const value = row[name];
      if (index > 0) line += '\t';
      line += value === null || value === undefined ? '\\N' : escapeCopyText(encode(value));
    }
    return `${line}\n`;
  }

  async commit(options: { supersedesBatchIds: string[] }): Promise<{ recordCount: number }> {
    this.assertOpen();
    const table = datasetTableName(this.dataset.id);
    const recordCount = await this.warehouse.inTransaction(async (client) => {
      const batch = await client.query<{ status: string }>(
        `select status from ${BATCHES_TABLE} where id = $1 for update`,
        [this.batchId],
      );
      if (batch.rows[0]?.status !== 'staged') throw batchNotStaged(this.batchId, batch.rows[0]?.status);

      // One commit per dataset at a time: concurrent upserts could deadlock on each other's keys, and
      // the commit order decides which row of a key is the newest.
      await lockTable(client, table);

      if (options.supersedesBatchIds.length > 0) {
        await client.query(`delete from ${q(table)} where "_batch_id" = any($1)`, [options.supersedesBatchIds]);
        await client.query(
          `update ${BATCHES_TABLE} set status = 'superseded' where id = any($1) and status = 'committed'`,
          [options.supersedesBatchIds],
        );
      }

      // PostgreSQL empties UNLOGGED tables after a crash, so a staging table that lost rows must
      // fail the commit instead of making a partial batch visible.
      const staged = await client.query<{ count: number }>(`select count(*) as count from ${q(this.staging)}`);
      if (staged.rows[0]!.count !== this.writtenRows) {
        throw new Error(
          `Batch ${this.batchId} staged ${staged.rows[0]!.count} of the ${this.writtenRows} rows written, most likely because PostgreSQL restarted and emptied the UNLOGGED staging table; retry the run.`,
        );
      }

      const count = await this.moveStagedRows(client, table);
      await client.query(
        `update ${BATCHES_TABLE} set status = 'committed', record_count = $1, committed_at = $2 where id = $3`,
        [count, this.clock.now(), this.batchId],
      );
      await client.query(`drop table ${q(this.staging)}`);
      return count;
    });
    this.state = 'committed';
    return { recordCount };
  }

  /**
   * Appends or upserts the staged rows in staging order. PostgreSQL rejects an upsert that touches
   * one row twice, so for a key repeated inside the batch only its last staged row is kept.
   */
  private async moveStagedRows(client: pg.PoolClient, table: string): Promise<number> {
    const names = this.dataset.schema.fields.map((field) => q(field.name)).join(', ');
    const key = this.dataset.primaryKey;
    if (!key) {
      const result = await client.query(
        `insert into ${q(table)} ("_batch_id", ${names}) select $1, ${names} from ${q(this.staging)} order by "_seq"`,
        [this.batchId],
      );
      return result.rowCount ?? 0;
    }

    const keyList = key.map(q).join(', ');
    const updates = ['"_batch_id"', ...this.dataset.schema.fields.map((field) => q(field.name))].map(
      (name) => `${name} = excluded.${name}`,
    );
    const result = await client.query(
      `insert into ${q(table)} ("_batch_id", ${names})
       select $1, ${names} from (
         select distinct on (${keyList}) * from ${q(this.staging)} order by ${keyList}, "_seq" desc
       ) as latest order by "_seq"
       on conflict (${keyList}) do update set ${updates.join(', ')}`,
      [this.batchId],
    );
    return result.rowCount ?? 0;
  }

  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    await this.warehouse.inTransaction(async (client) => {
      await client.query(`drop table if exists ${q(this.staging)}`);
      await client.query(`delete from ${BATCHES_TABLE} where id = $1 and status = 'staged'`, [this.batchId]);
    });
    this.state = 'aborted';
  }

  private assertOpen(): void {
    if (this.state !== 'open')
      throw new Error(`Batch ${this.batchId} is already ${this.state}; open a new batch to write more rows.`);
  }
}
