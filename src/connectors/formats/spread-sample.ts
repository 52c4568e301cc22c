import type { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { SourceRecord } from '../types.ts';
import type { FileSource } from './file-source.ts';
import type { TextEncoding } from './options.ts';

// Rows from the middle and the end of a large delimited file, so that inference covers more than the
// first rows. Each read starts inside a row, so the partial first and last lines are dropped, and
// rows whose field count differs from the header's (a quoted newline cut in two) are left out.

/** Files smaller than this are sampled from the start only: the first rows already cover much of them. */
const SPREAD_MIN_BYTES = 1024 * 1024;
const BYTES_PER_POINT = 64 * 1024;
const ROWS_PER_POINT = 200;
const POINTS = [0.25, 0.5, 0.75, 1];

export interface SpreadSettings {
  encoding: TextEncoding;
  delimiter: string;
  quoteChar: string;
  escapeChar: string;
}

export async function sampleSpread(
  file: FileSource,
  settings: SpreadSettings,
  columns: string[],
): Promise<SourceRecord[]> {
  if (!file.openRange || file.sizeBytes < SPREAD_MIN_BYTES || columns.length === 0) return [];
  const records: SourceRecord[] = [];
  for (const point of POINTS) {
    const start = Math.max(0, Math.floor(file.sizeBytes * point) - (point === 1 ? BYTES_PER_POINT : 0));
    const end = Math.min(file.sizeBytes, start + BYTES_PER_POINT) - 1;
    const text = iconv.decode(await readAll(file.openRange(start, end)), settings.encoding);
    const first = text.indexOf('\n');
    const last = text.lastIndexOf('\n');
    if (first < 0 || last <= first) continue;

    const rows = parse(text.slice(first + 1, last + 1), {
      delimiter: settings.delimiter,
      quote: settings.quoteChar,
      escape: settings.escapeChar,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
    }) as string[][];
    const complete = rows.filter((row) => row.length === columns.length);
    // At the end of the file, the last rows are the ones the start and the middle cannot show.
    const taken = point === 1 ? complete.slice(-ROWS_PER_POINT) : complete.slice(0, ROWS_PER_POINT);
    for (const fields of taken) {
      records.push(Object.fromEntries(columns.map((name, position) => [name, fields[position]])));
    }
  }
  return records;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
