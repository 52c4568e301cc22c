import type { ColumnInfo, ConnectionContext, SourceRecord } from '../types.ts';

/** A table or view found by discovery. Its names are the only identifiers that reach SQL text. */
export interface TableRef {
  schema: string;
  name: string;
  type: 'table' | 'view';
}

/** The rows of one window: the delta column and the window's bounds in epoch milliseconds. */
export interface WindowQuery {
  table: TableRef;
  columns: ColumnInfo[];
  deltaColumn: ColumnInfo;
  startMs: number;
  endMs: number;
  /** IANA zone in which values of a delta column without time zone are read. */
  timeZone: string;
  batchSize: number;
}

/** One open connection to a database; the SQL connector does discovery checks and batching on top. */
export interface SqlSession {
  /** Names the database in messages, without the password: `postgres 127.0.0.1:5432/crm`. */
  label: string;
  /** The schema a table name without a schema refers to. */
  defaultSchema: string;
  listSchemas(): Promise<string[]>;
  /** Tables and views of one schema, or of every schema the account can read. */
  listTables(schema?: string): Promise<TableRef[]>;
  listColumns(table: TableRef): Promise<ColumnInfo[]>;
  previewRows(table: TableRef, columns: ColumnInfo[], limit: number): Promise<SourceRecord[]>;
  /** Streams the rows of a window with a server-side cursor, `batchSize` rows at a time. */
  streamWindow(query: WindowQuery): AsyncIterable<SourceRecord[]>;
  close(): Promise<void>;
}

export type OpenSqlSession = (context: ConnectionContext) => Promise<SqlSession>;
