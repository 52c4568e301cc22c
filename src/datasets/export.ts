import type { DatasetDefinition, DatasetRow, Warehouse } from './types.ts';

// Serialises dataset rows for download. Both formats stream: each page of rows from the warehouse
// becomes one string chunk, so memory stays flat whatever the size of the dataset.

export type ExportFormat = 'csv' | 'ndjson';

export const exportContentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** Streams a dataset, or one of its batches, as CSV or NDJSON text chunks. */
export function exportDataset(
  warehouse: Warehouse,
  dataset: DatasetDefinition,
  options: { format: ExportFormat; batchId?: string },
): AsyncIterable<string> {
  const pages = warehouse.streamRows(dataset, options.batchId === undefined ? {} : { batchId: options.batchId });
  const fieldNames = dataset.schema.fields.map((field) => field.name);
  return options.format === 'csv' ? toCsv(pages, fieldNames) : toNdjson(pages, fieldNames);
}

/**
 * Writes RFC 4180 CSV: a header row of field names, CRLF line ends, and quotes around values that
 * contain a comma, a quote or a line break. Null is an empty cell; json values are their JSON text.
 */
export async function* toCsv(pages: AsyncIterable<DatasetRow[]>, fieldNames: string[]): AsyncIterable<string> {
  yield `${fieldNames.map(csvCell).join(',')}\r\n`;
  for await (const rows of pages) {
    let chunk = '';
    for (const row of rows) chunk += `${fieldNames.map((name) => csvCell(row[name])).join(',')}\r\n`;
    yield chunk;
  }
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Writes one JSON object per line, with the fields in schema order. */
export async function* toNdjson(pages: AsyncIterable<DatasetRow[]>, fieldNames: string[]): AsyncIterable<string> {
  for await (const rows of pages) {
    let chunk = '';
    for (const row of rows) {
      const ordered: DatasetRow = {};
      for (const name of fieldNames) ordered[name] = row[name] ?? null;
      chunk += `${JSON.stringify(ordered)}\n`;
    }
    yield chunk;
  }
}
