import type { RecordBatch, SourceRecord, SourceRowError } from '../types.ts';
import type { ParsedFile } from './parsed-item.ts';

export type BatchOrErrors = RecordBatch | { rowErrors: SourceRowError[] };

/**
 * Groups a parsed file's rows into batches of `batchSize` records. A row error closes the batch in
 * progress, so the records of a batch always have consecutive row numbers from `firstRowNumber`.
 */
export async function* batchParsedFile(
  parsed: ParsedFile,
  origin: string,
  batchSize: number,
): AsyncGenerator<BatchOrErrors> {
  let records: SourceRecord[] = [];
  let firstRowNumber = 1;
  let rowErrors: SourceRowError[] = [];
  let bytesReported = 0;

  const takeBytes = () => {
    const bytes = parsed.bytesRead() - bytesReported;
    bytesReported += bytes;
    return bytes;
  };
  const flush = (): RecordBatch => {
    const batch = { records, origin, firstRowNumber, bytesRead: takeBytes() };
    records = [];
    return batch;
  };

  try {
    for await (const chunk of parsed.items) {
      for (const item of chunk) {
        if ('error' in item) {
          if (records.length > 0) yield flush();
          rowErrors.push(item.error);
          continue;
        }
        if (rowErrors.length > 0) {
          yield { rowErrors };
          rowErrors = [];
        }
        if (records.length === 0) firstRowNumber = item.rowNumber;
        records.push(item.record);
        if (records.length >= batchSize) yield flush();
      }
    }
    if (rowErrors.length > 0) yield { rowErrors };
    // The last batch also carries the bytes read after the last record, such as a closing `]`.
    if (records.length > 0 || parsed.bytesRead() > bytesReported) yield flush();
  } finally {
    parsed.close();
  }
}

/** Reads the first `maxRows` records of a parsed file, for a preview and type inference. */
export async function sampleParsedFile(
  parsed: ParsedFile,
  maxRows: number,
): Promise<{ records: SourceRecord[]; rowErrors: SourceRowError[]; columns: string[] }> {
  const records: SourceRecord[] = [];
  const rowErrors: SourceRowError[] = [];
  try {
    read: for await (const chunk of parsed.items) {
      for (const item of chunk) {
        if ('error' in item) rowErrors.push(item.error);
        else records.push(item.record);
        if (records.length + rowErrors.length >= maxRows) break read;
      }
    }
  } finally {
    parsed.close();
  }
  const columns = parsed.columns().length > 0 ? parsed.columns() : recordKeys(records);
  return { records, rowErrors, columns };
}

/** Column names of records without a header (JSON, NDJSON): every key seen, in order of appearance. */
function recordKeys(records: SourceRecord[]): string[] {
  const names = new Set<string>();
  for (const record of records) for (const name of Object.keys(record)) names.add(name);
  return [...names];
}
