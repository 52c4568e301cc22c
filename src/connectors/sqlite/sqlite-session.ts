import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { requiredString } from '../errors.ts';
import { insideAny, realRoots } from '../local-files/local-file-system.ts';
import type { SqlSession, TableRef, WindowQuery } from '../sql/sql-session.ts';
import { shortestWallClock, wallClock } from '../sql/wall-clock.ts';
import {
  ConnectorError,
  type ColumnInfo,
  type ConnectionContext,
  type InferredType,
  type SourceRecord,
} from '../types.ts';

// SQLite files under the server's file roots, opened read-only. Rows come from `.iterate()`, which
// steps the statement one row at a time. SQLite has no date type: a delta column is a column declared
// DATE, DATETIME or TIMESTAMP holding ISO text, read as a wall-clock time in the flow's zone.

export async function openSqliteSession(context: ConnectionContext): Promise<SqlSession> {
  const file = await databaseFile(requiredString(context.params, 'path', 'crm.db'), context.fileRoots);
  const database = new Database(file, { readonly: true, fileMustExist: true });

  const listTables = async (schema?: string): Promise<TableRef[]> => {
    if (schema !== undefined && schema !== 'main') return [];
    const rows = database
      .prepare(
        "select name, type from sqlite_schema where type in ('table', 'view') and name not like 'sqlite\\_%' escape '\\' order by name",
      )
      .all() as { name: string; type: string }[];
    return rows.map((row) => ({ schema: 'main', name: row.name, type: row.type === 'view' ? 'view' : 'table' }));
  };

  const openRows = new Set<IterableIterator<SourceRecord>>();

  return {
    label: `sqlite ${file}`,
    defaultSchema: 'main',
    listSchemas: async () => ['main'],
    listTables,

    async listColumns(table) {
      const rows = database.prepare('select name, type from pragma_table_info(?)').all(table.name) as {
        name: string;
        type: string;
      }[];
      return rows.map((row) => columnInfo(row.name, row.type));
    },

    async previewRows(table, columns, limit) {
      return database
        .prepare(`select ${selectList(columns)} from ${quoteIdentifier(table.name)} limit ?`)
        .all(limit) as SourceRecord[];
    },

    streamWindow: (query) => streamWindow(database, query, openRows),

    async close() {
      // A statement still stepping keeps the database busy, and closing a busy database throws.
      for (const rows of openRows) rows.return?.();
      database.close();
    },
  };
}

async function* streamWindow(
  database: Database.Database,
  query: WindowQuery,
  openRows: Set<IterableIterator<SourceRecord>>,
): AsyncGenerator<SourceRecord[]> {
  const table = quoteIdentifier(query.table.name);
  const delta = quoteIdentifier(query.deltaColumn.name);
  // Bounds are compared as text, so they take the separator the column's values use.
  const sample = database.prepare(`select ${delta} as value from ${table} where ${delta} is not null limit 1`).get() as
    { value: unknown } | undefined;
  const separator = typeof sample?.value === 'string' && sample.value.charAt(10) === 'T' ? 'T' : ' ';
  const bound = (ms: number) => shortestWallClock(wallClock(ms, query.timeZone), separator);

  const statement = database.prepare(
    `select ${selectList(query.columns)} from ${table} where ${delta} >= ? and ${delta} < ?`,
  );
  const rows = statement.iterate(bound(query.startMs), bound(query.endMs)) as IterableIterator<SourceRecord>;
  openRows.add(rows);
  try {
    let batch: SourceRecord[] = [];
    for (const row of rows) {
      batch.push(row);
      if (batch.length >= query.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    openRows.delete(rows);
  }
}

/** Resolves the database file, given relative to the first file root or absolute inside a root. */
async function databaseFile(given: string, fileRoots: string[]): Promise<string> {
  const roots = await realRoots(fileRoots);
  const lexical = path.resolve(roots[0]!, given);
  const real = await fs.promises.realpath(lexical).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    throw new ConnectorError(
      'SOURCE_NOT_FOUND',
      `auth.params.path '${given}' does not exist (${lexical}); give a SQLite file under ${roots.join(', ')}.`,
      false,
    );
  });
  if (!insideAny(lexical, roots) || !insideAny(real, roots)) {
    throw new ConnectorError(
      'PATH_OUTSIDE_ROOTS',
      `auth.params.path '${given}' resolves to ${real}, outside every file root (${roots.join(', ')}); choose a file inside a root.`,
      false,
    );
  }
  return real;
}

function columnInfo(name: string, declaredType: string): ColumnInfo {
  const type = declaredType.toUpperCase();
  const temporal = type.includes('DATE') || type.includes('TIME');
  return {
    name,
    type: inferredType(type),
    sourceType: declaredType,
    canBeDeltaColumn: temporal,
    ...(temporal ? { withoutTimeZone: true } : {}),
  };
}

// The affinity rules of SQLite, with the date and boolean names that schemas commonly use.
function inferredType(type: string): InferredType {
  if (type === 'DATE') return 'date';
  if (type.includes('DATE') || type.includes('TIME')) return 'datetime';
  if (type.includes('BOOL')) return 'boolean';
  if (type.includes('INT')) return 'integer';
  if (/REAL|FLOA|DOUB|NUMERIC|DECIMAL/.test(type)) return 'number';
  if (type === 'JSON') return 'json';
  return 'string';
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function selectList(columns: ColumnInfo[]): string {
  return columns.map((column) => quoteIdentifier(column.name)).join(', ');
}
