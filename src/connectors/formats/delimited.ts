import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { readInChunks } from './byte-streams.ts';
import type { ParsedItem } from './parsed-item.ts';

// Delimited text streamed through csv-parse. Rows that do not parse (an unclosed quote, a wrong number
// of fields) become row errors in their place, so row numbers stay those of the file.

export interface DelimitedSettings {
  delimiter: string;
  quoteChar: string;
  escapeChar: string;
  header: boolean;
}

/** Rows handed on at a time: enough to spare a promise per row, few enough to stay small. */
const ROWS_PER_CHUNK = 1000;

export function parseDelimited(
  text: Readable,
  settings: DelimitedSettings,
  origin: string,
): { items: AsyncIterable<ParsedItem[]>; columns: () => string[] } {
  let columns: string[] = [];
  // csv-parse reports a skipped row from its parsing loop, ahead of the records still buffered. The
  // count of records parsed before it puts the error back in its place.
  const skipped: { recordsBefore: number; message: string; rawValue: string }[] = [];

  const parser = parse({
    delimiter: settings.delimiter,
    quote: settings.quoteChar,
    escape: settings.escapeChar,
    bom: true,
    relax_column_count: true,
    // A quote inside an unquoted field is kept as text instead of failing the rest of the file.
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error, raw) => {
      skipped.push({
        recordsBefore: parser.info.records,
        message: error?.message ?? 'unknown error',
        rawValue: trimLineEnd(raw ?? ''),
      });
      return undefined;
    },
  });
  text.pipe(parser);
  text.once('error', (error) => parser.destroy(error));

  // Rows seen so far, the header and the skipped rows included.
  let rows = 0;
  let records = 0;
  const dataRowNumber = () => rows - (settings.header ? 1 : 0);

  function skippedBefore(chunk: ParsedItem[]): void {
    while (skipped.length > 0 && skipped[0]!.recordsBefore <= records) {
      const entry = skipped.shift()!;
      rows++;
      const rowNumber = dataRowNumber();
      chunk.push({
        error: {
          origin,
          rowNumber,
          code: 'MALFORMED_ROW',
          message: `Row ${rowNumber} of ${origin} is malformed: ${entry.message}`,
          rawValue: entry.rawValue,
        },
      });
    }
  }

  function toItem(fields: string[]): ParsedItem | undefined {
    rows++;
    records++;
    if (rows === 1 && settings.header) {
      columns = headerNames(fields);
      return undefined;
    }
    if (columns.length === 0) columns = fields.map((_, position) => `column_${position + 1}`);

    const rowNumber = dataRowNumber();
    if (fields.length !== columns.length) {
      return {
        error: {
          origin,
          rowNumber,
          code: 'COLUMN_COUNT_MISMATCH',
          message: `Row ${rowNumber} of ${origin} has ${fields.length} fields where the header has ${columns.length}; check the delimiter and the quotes of this row.`,
          rawValue: fields.join(settings.delimiter),
        },
      };
    }
    const record: Record<string, string> = {};
    for (let position = 0; position < columns.length; position++) record[columns[position]!] = fields[position]!;
    return { record, rowNumber };
  }

  async function* items(): AsyncGenerator<ParsedItem[]> {
    for await (const chunkOfFields of readInChunks<string[]>(parser, ROWS_PER_CHUNK)) {
      const chunk: ParsedItem[] = [];
      for (const fields of chunkOfFields) {
        skippedBefore(chunk);
        const item = toItem(fields);
        if (item) chunk.push(item);
      }
      yield chunk;
    }
    const rest: ParsedItem[] = [];
    records = Number.MAX_SAFE_INTEGER;
    skippedBefore(rest);
    if (rest.length > 0) yield rest;
  }

  return { items: items(), columns: () => columns };
}

/** Header names as written, with empty and repeated names made unique so no column is lost. */
function headerNames(fields: string[]): string[] {
  const seen = new Set<string>();
  return fields.map((field, position) => {
    let name = field.trim() === '' ? `column_${position + 1}` : field;
    for (let suffix = 2; seen.has(name); suffix++) name = `${field}_${suffix}`;
    seen.add(name);
    return name;
  });
}

function trimLineEnd(raw: string): string {
  return raw.replace(/\r?\n$/, '');
}
