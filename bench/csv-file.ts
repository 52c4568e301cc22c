import fs from 'node:fs';
import { once } from 'node:events';
import type { DatasetDefinition, MappingRule } from '../src/datasets/types.ts';

// The CSV file the ingestion benchmarks load: ten columns of the usual kinds (integers, decimals,
// ISO date-times, dates, booleans, short and longer text), about 100 bytes a row.

export const CSV_COLUMNS = [
  'id',
  'created_at',
  'customer',
  'city',
  'amount',
  'quantity',
  'active',
  'order_date',
  'code',
  'note',
] as const;

const CITIES = ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nantes', 'Lille', 'Rennes', 'Bordeaux'];
const ROWS_PER_CHUNK = 10_000;
const BASE_MS = Date.UTC(2026, 0, 1);

/** The dataset the benchmark CSV maps into, one field per column with its natural type. */
export const csvDataset = (id: string): DatasetDefinition => ({
  id,
  schema: {
    fields: [
      { name: 'id', type: 'integer', required: true },
      { name: 'created_at', type: 'datetime' },
      { name: 'customer', type: 'string' },
      { name: 'city', type: 'string' },
      { name: 'amount', type: 'number' },
      { name: 'quantity', type: 'integer' },
      { name: 'active', type: 'boolean' },
      { name: 'order_date', type: 'date' },
      { name: 'code', type: 'string' },
      { name: 'note', type: 'string' },
    ],
  },
});

export const csvMapping: MappingRule[] = CSV_COLUMNS.map((column) => ({ source: column, destination: column }));

/** Column definitions of the same table for the reference tools, in PostgreSQL types. */
export const POSTGRES_COLUMNS =
  'id bigint, created_at timestamptz, customer text, city text, amount double precision, quantity bigint, ' +
  'active boolean, order_date date, code text, note text';

/** The same in SQLite types, as our SQLite warehouse stores them. */
export const SQLITE_COLUMNS =
  'id INTEGER, created_at TEXT, customer TEXT, city TEXT, amount REAL, quantity INTEGER, ' +
  'active TEXT, order_date TEXT, code TEXT, note TEXT';

function csvLine(index: number): string {
  const created = new Date(BASE_MS + index * 1000).toISOString();
  const amount = ((index * 7919) % 1_000_000) / 100;
  const note = `note ${(index * 31) % 997}`;
  return (
    `${index},${created},Customer ${index % 50_000},${CITIES[index % CITIES.length]},${amount},` +
    `${index % 17},${index % 3 === 0 ? 'true' : 'false'},${created.slice(0, 10)},` +
    `C${(index * 13) % 100_000}X,"${note}, ok"\n`
  );
}

/** Writes a CSV of `rows` data rows after a header, respecting the stream's back-pressure. */
export async function writeCsv(file: string, rows: number): Promise<number> {
  const out = fs.createWriteStream(file);
  out.write(`${CSV_COLUMNS.join(',')}\n`);
  for (let start = 1; start <= rows; start += ROWS_PER_CHUNK) {
    let chunk = '';
    const end = Math.min(start + ROWS_PER_CHUNK - 1, rows);
    for (let index = start; index <= end; index += 1) chunk += csvLine(index);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return fs.statSync(file).size;
}

/** Writes CSV lines until the file reaches `bytes`; returns the number of data rows. */
export async function writeCsvOfSize(file: string, bytes: number): Promise<number> {
  const out = fs.createWriteStream(file);
  out.write(`${CSV_COLUMNS.join(',')}\n`);
  let written = 0;
  let index = 0;
  while (written < bytes) {
    let chunk = '';
    for (let count = 0; count < ROWS_PER_CHUNK; count += 1) chunk += csvLine((index += 1));
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return index;
}
