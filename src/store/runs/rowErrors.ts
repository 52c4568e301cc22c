import type { Db } from './run.ts';

/** One stored row error of a run; `seq` orders them as they were found. */
export interface StoredRowError {
  seq: number;
  origin: string;
  rowNumber: number;
  field: string | null;
  code: string;
  message: string;
  rawValue: string | null;
}

// 8 columns per row keeps one INSERT under SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
const INSERT_CHUNK_ROWS = 1000;

/** Inserts row errors in multi-row statements, numbering them from `firstSeq`. */
export async function insertRowErrors(
  db: Db,
  runId: string,
  firstSeq: number,
  errors: Omit<StoredRowError, 'seq'>[],
): Promise<void> {
  for (let offset = 0; offset < errors.length; offset += INSERT_CHUNK_ROWS) {
    const chunk = errors.slice(offset, offset + INSERT_CHUNK_ROWS);
    await db
      .insertInto('run_row_errors')
      .values(
        chunk.map((error, index) => ({
          run_id: runId,
          seq: firstSeq + offset + index,
          origin: error.origin,
          row_number: error.rowNumber,
          field: error.field,
          code: error.code,
          message: error.message,
          raw_value: error.rawValue,
        })),
      )
      .execute();
  }
}

/** Deletes the row errors of a run, before an attempt that starts the read again. */
export async function deleteRowErrors(db: Db, runId: string): Promise<void> {
  await db.deleteFrom('run_row_errors').where('run_id', '=', runId).execute();
}

/** Lists a run's row errors in order, a page at a time, after `afterSeq`. */
export async function listRowErrors(
  db: Db,
  runId: string,
  options: { limit: number; afterSeq?: number },
): Promise<StoredRowError[]> {
  const rows = await db
    .selectFrom('run_row_errors')
    .selectAll()
    .where('run_id', '=', runId)
    .where('seq', '>', options.afterSeq ?? -1)
    .orderBy('seq')
    .limit(options.limit)
    .execute();
  return rows.map((row) => ({
    seq: Number(row.seq),
    origin: row.origin,
    rowNumber: Number(row.row_number),
    field: row.field,
    code: row.code,
    message: row.message,
    rawValue: row.raw_value,
  }));
}

export async function countRowErrors(db: Db, runId: string): Promise<number> {
  const row = await db
    .selectFrom('run_row_errors')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
