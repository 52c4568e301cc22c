import type { Readable } from 'node:stream';
import { parse, type Options } from 'csv-parse';
import type { SourceRowError } from '../types.ts';
import type { ParsedItem } from './parsed-item.ts';

// Delimited text streamed through csv-parse. Rows that do not parse (an unclosed quote, a wrong number
// of fields) become row errors in their place, so row numbers stay those of the file.

export interface DelimitedSettings {
  delimiter: string;
  quoteChar: string;
  escapeChar: string;
  header: boolean;
}

interface ParsedRow {
  fields: string[];
  raw: string;
  index: number;
}

export function parseDelimited(
  text: Readable,
  settings: DelimitedSettings,
  origin: string,
): { items: AsyncIterable<ParsedItem>; columns: () => string[] } {
  let columns: string[] = [];
  // csv-parse reports skipped rows from its parsing loop, ahead of the records still buffered; the
  // parse-time index of each row puts every error back in its place.
  let parsedRows = 0;
  const skipped: { index: number; error: SourceRowError }[] = [];
  const headerRows = settings.header ? 1 : 0;

  const options: Options = {
    delimiter: settings.delimiter,
    quote: settings.quoteChar,
    escape: settings.escapeChar,
    raw: true,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // With `raw`, csv-parse hands each record as `{ record, raw }`; the row keeps its parse-time index.
    on_record: ((row: { record: string[]; raw: string }): ParsedRow => ({
      fields: row.record,
      raw: row.raw,
      index: ++parsedRows,
    })) as unknown as Options['on_record'],
    on_skip: (error, raw) => {
      const index = ++parsedRows;
      skipped.push({
        index,
        error: {
          origin,
          rowNumber: index - headerRows,
          code: 'MALFORMED_ROW',
          message: `Row ${index - headerRows} of ${origin} is malformed: ${error?.message ?? 'unknown error'}`,
          rawValue: trimLineEnd(raw ?? ''),
        },
      });
      return undefined;
    },
  };
  const parser = parse(options);
  text.pipe(parser);
  text.once('error', (error) => parser.destroy(error));

  async function* items(): AsyncGenerator<ParsedItem> {
    for await (const row of parser as AsyncIterable<ParsedRow>) {
      while (skipped.length > 0 && skipped[0]!.index < row.index) yield { error: skipped.shift()!.error };

      if (row.index === 1 && settings.header) {
        columns = headerNames(row.fields);
        continue;
      }
      if (columns.length === 0) columns = row.fields.map((_, position) => `column_${position + 1}`);

      const rowNumber = row.index - headerRows;
      if (row.fields.length !== columns.length) {
        yield {
          error: {
            origin,
            rowNumber,
            code: 'COLUMN_COUNT_MISMATCH',
            message: `Row ${rowNumber} of ${origin} has ${row.fields.length} fields where the header has ${columns.length}; check the delimiter and the quotes of this row.`,
            rawValue: trimLineEnd(row.raw),
          },
        };
        continue;
      }
      const record: Record<string, string> = {};
      for (let position = 0; position < columns.length; position++) record[columns[position]!] = row.fields[position]!;
      yield { record, rowNumber };
    }
    for (const rest of skipped.splice(0)) yield { error: rest.error };
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
  return raw.replace(/\r?\n?$/, '').replace(/\r$/, '');
}
