import mysql from 'mysql2';
import type { Connection } from 'mysql2';
import { optionalString, portParam, requiredString } from '../errors.ts';
import type { SqlSession, TableRef, WindowQuery } from '../sql/sql-session.ts';
import { wallClock } from '../sql/wall-clock.ts';
import type { ColumnInfo, ConnectionContext, InferredType, SourceRecord } from '../types.ts';

// MySQL and MariaDB through `mysql2`, on a connection of its own (not a pool) so that `.stream()`
// pauses the socket when a batch is not consumed yet. The session runs in UTC, so TIMESTAMP values,
// stored as instants, compare against UTC bounds; DATE and DATETIME are wall-clock values.

const CONNECT_TIMEOUT_MS = 10_000;
const INTEGER_TYPES = ['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'year'];
const NUMBER_TYPES = ['decimal', 'numeric', 'float', 'double', 'real'];

export async function openMysqlSession(context: ConnectionContext): Promise<SqlSession> {
  const params = context.params;
  const host = requiredString(params, 'host', '127.0.0.1');
  const port = portParam(params, 3306);
  const database = requiredString(params, 'database', 'crm');
  const connection = mysql.createConnection({
    host,
    port,
    database,
    user: requiredString(params, 'user', 'etl'),
    password: optionalString(params, 'password'),
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Dates as text: a DATETIME means a wall-clock time in the flow's zone, not in this process's.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: 'Z',
  });
  // An idle connection that the server drops must not crash the process; the next query reports it.
  connection.on('error', (error) =>
    context.logger?.warn({ err: error, host, port, database }, 'mysql connection failed'),
  );
  const promise = connection.promise();
  try {
    await promise.connect();
    await promise.query("set time_zone = '+00:00'");
  } catch (error) {
    connection.destroy();
    throw error;
  }

  const query = async <T>(sql: string, values: unknown[] = []): Promise<T[]> => {
    const [rows] = await promise.query(sql, values);
    return rows as T[];
  };

  let streaming = false;

  return {
    label: `mysql ${host}:${port}/${database}`,
    defaultSchema: database,

    async listSchemas() {
      return [database];
    },

    async listTables(schema) {
      if (schema !== undefined && schema !== database) return [];
      const rows = await query<{ name: string; type: string }>(
        'select table_name as name, table_type as type from information_schema.tables where table_schema = ? order by 1',
        [database],
      );
      return rows.map((row) => ({ schema: database, name: row.name, type: row.type === 'VIEW' ? 'view' : 'table' }));
    },

    async listColumns(table) {
      const rows = await query<{ name: string; type: string; columnType: string }>(
        `select column_name as name, data_type as type, column_type as columnType from information_schema.columns
          where table_schema = ? and table_name = ? order by ordinal_position`,
        [table.schema, table.name],
      );
      return rows.map((row) => columnInfo(row.name, row.type.toLowerCase(), row.columnType));
    },

    async previewRows(table, columns, limit) {
      return query<SourceRecord>(`select ${selectList(columns)} from ${quoteTable(table)} limit ?`, [limit]);
    },

    async *streamWindow(windowQuery) {
      streaming = true;
      yield* streamWindow(connection, windowQuery);
      streaming = false;
    },

    async close() {
      // A stream left half-read keeps the connection paused, so a polite end would wait for ever.
      if (streaming) connection.destroy();
      else await promise.end().catch(() => connection.destroy());
    },
  };
}

async function* streamWindow(connection: Connection, query: WindowQuery): AsyncGenerator<SourceRecord[]> {
  const delta = quoteIdentifier(query.deltaColumn.name);
  const zone = query.deltaColumn.withoutTimeZone ? query.timeZone : 'UTC';
  // CAST to DATETIME(3) makes a DATE column compare as midnight against a bound with a time.
  const sql =
    `select ${selectList(query.columns)} from ${quoteTable(query.table)} ` +
    `where ${delta} >= cast(? as datetime(3)) and ${delta} < cast(? as datetime(3))`;
  const rows = connection.query(sql, [wallClock(query.startMs, zone), wallClock(query.endMs, zone)]).stream({
    highWaterMark: query.batchSize,
  });

  let batch: SourceRecord[] = [];
  let finished = false;
  try {
    for await (const row of rows as AsyncIterable<SourceRecord>) {
      batch.push(row);
      if (batch.length >= query.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    finished = true;
  } finally {
    // A query left half-read keeps the connection paused; only closing the socket frees it.
    if (!finished) connection.destroy();
  }
}

function columnInfo(name: string, dataType: string, columnType: string): ColumnInfo {
  const withoutTimeZone = dataType === 'date' || dataType === 'datetime';
  const temporal = withoutTimeZone || dataType === 'timestamp';
  return {
    name,
    type: inferredType(dataType),
    sourceType: columnType.toUpperCase(),
    canBeDeltaColumn: temporal,
    ...(temporal ? { withoutTimeZone } : {}),
  };
}

function inferredType(dataType: string): InferredType {
  if (INTEGER_TYPES.includes(dataType)) return 'integer';
  if (NUMBER_TYPES.includes(dataType)) return 'number';
  if (dataType === 'date') return 'date';
  if (dataType === 'datetime' || dataType === 'timestamp') return 'datetime';
  if (dataType === 'json') return 'json';
  return 'string';
}

function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

function quoteTable(table: TableRef): string {
  return `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}

function selectList(columns: ColumnInfo[]): string {
  return columns.map((column) => quoteIdentifier(column.name)).join(', ');
}
