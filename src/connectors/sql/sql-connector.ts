import { invalidSourceParams, toConnectorError } from '../errors.ts';
import { DEFAULT_BATCH_SIZE } from '../files/file-connector.ts';
import {
  ConnectorError,
  type ColumnInfo,
  type ConnectionContext,
  type ConnectionSpec,
  type Connector,
  type ExploreResult,
  type RecordBatch,
  type SourceDescriptor,
} from '../types.ts';
import type { OpenSqlSession, SqlSession, TableRef } from './sql-session.ts';
import { timeZoneOf } from './wall-clock.ts';

// The part that `postgres`, `mysql` and `sqlite` share. A table name is accepted only when discovery
// lists it, and only discovered names reach SQL text, quoted by the dialect. Window bounds are bind parameters.

const DEFAULT_PREVIEW_ROWS = 20;

export function createSqlConnector(spec: ConnectionSpec, openSession: OpenSqlSession): Connector {
  async function withSession<T>(context: ConnectionContext, action: (session: SqlSession) => Promise<T>): Promise<T> {
    const session = await openOrWrap(openSession, context, spec.id);
    try {
      return await action(session);
    } catch (error) {
      throw toConnectorError(error, session.label);
    } finally {
      await session.close();
    }
  }

  return {
    spec,

    check: (context) =>
      withSession(context, async (session) => {
        await session.listSchemas();
      }),

    explore: (context, request) =>
      withSession(context, async (session): Promise<ExploreResult> => {
        if (request.object !== undefined) {
          const table = await findTable(session, request.object);
          const columns = await session.listColumns(table);
          const rows = await session.previewRows(table, columns, request.previewRows ?? DEFAULT_PREVIEW_ROWS);
          return { items: [], preview: { columns, rows } };
        }
        if (!request.path) {
          const schemas = await session.listSchemas();
          if (schemas.length > 1) {
            return { items: schemas.map((schema) => ({ name: schema, path: schema, type: 'schema' as const })) };
          }
        }
        const tables = await session.listTables(request.path || undefined);
        return {
          items: tables.map((table) => ({ name: table.name, path: qualifiedName(table), type: table.type })),
        };
      }),

    validateSource: (context, source) =>
      withSession(context, async (session) => {
        await findTable(session, tableNameOf(source));
      }),

    deltaColumns: (context, source) =>
      withSession(context, async (session) => {
        const columns = await session.listColumns(await findTable(session, tableNameOf(source)));
        return columns.filter((column) => column.canBeDeltaColumn);
      }),

    async read(context, request) {
      const session = await openOrWrap(openSession, context, spec.id);
      try {
        const table = await findTable(session, tableNameOf(request.source));
        const columns = await session.listColumns(table);
        const deltaColumn = findDeltaColumn(columns, request.deltaColumn, table);
        const rows = session.streamWindow({
          table,
          columns,
          deltaColumn,
          startMs: request.window.startMs,
          endMs: request.window.endMs,
          timeZone: timeZoneOf(request.timezone),
          batchSize: request.batchSize ?? DEFAULT_BATCH_SIZE,
        });
        return {
          plan: { objects: [{ name: qualifiedName(table) }] },
          batches: batchesOf(rows, qualifiedName(table), session.label, context.signal),
          close: () => session.close(),
        };
      } catch (error) {
        await session.close();
        throw toConnectorError(error, session.label);
      }
    },
  };
}

async function openOrWrap(
  openSession: OpenSqlSession,
  context: ConnectionContext,
  specId: string,
): Promise<SqlSession> {
  try {
    return await openSession(context);
  } catch (error) {
    const params = context.params;
    throw toConnectorError(
      error,
      `${specId} ${String(params.host ?? params.path ?? '')}${params.port ? `:${String(params.port)}` : ''}`,
    );
  }
}

async function* batchesOf(
  rows: AsyncIterable<RecordBatch['records']>,
  origin: string,
  label: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<RecordBatch> {
  let firstRowNumber = 1;
  try {
    for await (const records of rows) {
      // A cancelled read stops between batches without an error, because the caller aborted it.
      if (signal?.aborted) return;
      // NOTE: table reads report no byte progress; drivers do not expose the bytes of a result set.
      yield { records, origin, firstRowNumber, bytesRead: 0 };
      firstRowNumber += records.length;
    }
  } catch (error) {
    throw toConnectorError(error, label);
  }
}

export function qualifiedName(table: TableRef): string {
  return `${table.schema}.${table.name}`;
}

function tableNameOf(source: SourceDescriptor): string {
  if (source.data.format !== undefined && source.data.format !== 'tabular') {
    throw new ConnectorError(
      'UNSUPPORTED_FORMAT',
      `data.format '${source.data.format}' does not apply to a table; use "tabular".`,
      false,
    );
  }
  const value = source.params.tableName;
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidSourceParams(
      `params.tableName must name a table or view such as "public.customers"; got ${JSON.stringify(value ?? null)}.`,
    );
  }
  return value.trim();
}

/** Finds the discovered table that a name designates: `schema.table`, or `table` in the default schema. */
export async function findTable(session: SqlSession, tableName: string): Promise<TableRef> {
  const tables = await session.listTables();
  const found =
    tables.find((table) => qualifiedName(table) === tableName) ??
    tables.find((table) => table.schema === session.defaultSchema && table.name === tableName);
  if (found) return found;

  const examples = tables.slice(0, 5).map(qualifiedName).join(', ');
  throw new ConnectorError(
    'TABLE_NOT_FOUND',
    `params.tableName '${tableName}' is not a table or view that ${session.label} lets this account read; ` +
      (examples ? `choose one that explore lists, such as ${examples}.` : 'the database has no readable table.'),
    false,
  );
}

function findDeltaColumn(columns: ColumnInfo[], name: string | undefined, table: TableRef): ColumnInfo {
  const candidates = columns.filter((column) => column.canBeDeltaColumn).map((column) => column.name);
  if (name === undefined) {
    throw new ConnectorError(
      'DELTA_COLUMN_NOT_FOUND',
      `Reading ${qualifiedName(table)} needs a delta column to place rows in windows; choose one of: ${candidates.join(', ') || 'none (the table has no date or time column)'}.`,
      false,
    );
  }
  const column = columns.find((candidate) => candidate.name === name);
  if (column?.canBeDeltaColumn) return column;
  throw new ConnectorError(
    'DELTA_COLUMN_NOT_FOUND',
    `The delta column '${name}' is not a date or time column of ${qualifiedName(table)}; choose one of: ${candidates.join(', ') || 'none'}.`,
    false,
  );
}
