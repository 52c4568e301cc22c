import pg from 'pg';
import { optionalString, portParam, requiredString } from '../errors.ts';
import type { SqlSession, TableRef, WindowQuery } from '../sql/sql-session.ts';
import { wallClock } from '../sql/wall-clock.ts';
import type { ColumnInfo, ConnectionContext, InferredType, SourceRecord } from '../types.ts';

// PostgreSQL through `pg`. Rows are read with `DECLARE … CURSOR` and `FETCH n` inside a read-only
// transaction, so the server keeps the result and the process keeps one batch.

const DATE_OID = 1082;
const TIMESTAMP_OID = 1114;
const CONNECT_TIMEOUT_MS = 10_000;
const SYSTEM_SCHEMAS = "table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg\\_%'";

// Dates and timestamps without time zone stay text: turned into a Date they would be read in the
// server process's zone, while they mean a wall-clock time in the flow's zone.
const rawTemporalTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === DATE_OID || oid === TIMESTAMP_OID
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export async function openPostgresSession(context: ConnectionContext): Promise<SqlSession> {
  const params = context.params;
  const host = requiredString(params, 'host', '127.0.0.1');
  const port = portParam(params, 5432);
  const database = requiredString(params, 'database', 'crm');
  const user = requiredString(params, 'user', 'etl');
  const client = new pg.Client({
    host,
    port,
    database,
    user,
    password: optionalString(params, 'password'),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'tributary',
    types: rawTemporalTypes,
  });
  // An idle connection that the server drops must not crash the process; the next query reports it.
  client.on('error', (error) =>
    context.logger?.warn({ err: error, host, port, database }, 'postgres connection failed'),
  );
  await client.connect();

  return {
    label: `postgres ${host}:${port}/${database}`,
    defaultSchema: 'public',

    async listSchemas() {
      const result = await client.query<{ schema: string }>(
        `select distinct table_schema as schema from information_schema.tables where ${SYSTEM_SCHEMAS} order by 1`,
      );
      return result.rows.map((row) => row.schema);
    },

    async listTables(schema) {
      const result = await client.query<{ schema: string; name: string; type: string }>(
        `select table_schema as schema, table_name as name, table_type as type from information_schema.tables
          where ${SYSTEM_SCHEMAS} and ($1::text is null or table_schema = $1) order by 1, 2`,
        [schema ?? null],
      );
      return result.rows.map((row) => ({
        schema: row.schema,
        name: row.name,
        type: row.type === 'VIEW' ? 'view' : 'table',
      }));
    },

    async listColumns(table) {
      const result = await client.query<{ name: string; type: string }>(
        `select column_name as name, data_type as type from information_schema.columns
          where table_schema = $1 and table_name = $2 order by ordinal_position`,
        [table.schema, table.name],
      );
      return result.rows.map((row) => columnInfo(row.name, row.type));
    },

    async previewRows(table, columns, limit) {
      const result = await client.query<SourceRecord>(
        `select ${selectList(columns)} from ${quoteTable(table)} limit $1`,
        [limit],
      );
      return result.rows;
    },

    streamWindow: (query) => streamWindow(client, query),

    async close() {
      await client.end().catch(() => {});
    },
  };
}

async function* streamWindow(client: pg.Client, query: WindowQuery): AsyncGenerator<SourceRecord[]> {
  const delta = quoteIdentifier(query.deltaColumn.name);
  const cast = query.deltaColumn.withoutTimeZone ? 'timestamp' : 'timestamptz';
  const bound = (ms: number) =>
    query.deltaColumn.withoutTimeZone ? wallClock(ms, query.timeZone) : new Date(ms).toISOString();
  const sql =
    `declare tributary_window no scroll cursor for select ${selectList(query.columns)} from ${quoteTable(query.table)} ` +
    `where ${delta} >= $1::${cast} and ${delta} < $2::${cast}`;

  await client.query('begin read only');
  let finished = false;
  try {
    await client.query(sql, [bound(query.startMs), bound(query.endMs)]);
    for (;;) {
      const result = await client.query<SourceRecord>(`fetch ${query.batchSize} from tributary_window`);
      if (result.rows.length > 0) yield result.rows;
      if (result.rows.length < query.batchSize) break;
    }
    await client.query('commit');
    finished = true;
  } finally {
    if (!finished) await client.query('rollback').catch(() => {});
  }
}

function columnInfo(name: string, sourceType: string): ColumnInfo {
  const withoutTimeZone = sourceType === 'date' || sourceType === 'timestamp without time zone';
  const temporal = withoutTimeZone || sourceType === 'timestamp with time zone';
  return {
    name,
    type: inferredType(sourceType),
    sourceType,
    canBeDeltaColumn: temporal,
    ...(temporal ? { withoutTimeZone } : {}),
  };
}

function inferredType(sourceType: string): InferredType {
  if (['smallint', 'integer', 'bigint'].includes(sourceType)) return 'integer';
  if (['numeric', 'real', 'double precision', 'money'].includes(sourceType)) return 'number';
  if (sourceType === 'boolean') return 'boolean';
  if (sourceType === 'date') return 'date';
  if (sourceType.startsWith('timestamp')) return 'datetime';
  if (sourceType === 'json' || sourceType === 'jsonb' || sourceType === 'ARRAY') return 'json';
  return 'string';
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteTable(table: TableRef): string {
  return `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}

function selectList(columns: ColumnInfo[]): string {
  return columns.map((column) => quoteIdentifier(column.name)).join(', ');
}
