import pg from 'pg';
import { getConnector } from '../src/connectors/registry.ts';
import { openWarehouse } from '../src/datasets/warehouse.ts';
import type { DatasetDefinition } from '../src/datasets/types.ts';
import { POSTGRES_COLUMNS } from './csv-file.ts';
import { ingest } from './ingest-path.ts';
import { integerArgument, median, POSTGRES_URL, printHeader, round, run, timed, uniqueSchema } from './support.ts';

// A delta window over a PostgreSQL table into a dataset, beside what a user would script by hand:
// `psql \copy (SELECT … WHERE <window>) TO STDOUT | psql \copy … FROM STDIN`. The source table has
// one row a second; the window covers its first half. Both read through the same index.
//
//   node --import tsx bench/delta-postgres.ts [--rows 1000000] [--runs 3]

const rows = integerArgument('rows', 1_000_000);
const runs = integerArgument('runs', 3);
const BASE_MS = Date.UTC(2026, 0, 1);
const windowMs = { startMs: BASE_MS, endMs: BASE_MS + Math.floor(rows / 2) * 1000 };
const expected = Math.floor(rows / 2);

const dataset = (id: string): DatasetDefinition => ({
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

async function createSource(admin: pg.Client, schema: string): Promise<void> {
  await admin.query(`create schema "${schema}"`);
  await admin.query(`create table "${schema}".orders (${POSTGRES_COLUMNS})`);
  await admin.query(
    `insert into "${schema}".orders
       select i, to_timestamp($1::double precision / 1000 + i - 1), 'Customer ' || (i % 50000),
              (array['Paris','Lyon','Marseille','Toulouse','Nantes','Lille','Rennes','Bordeaux'])[1 + i % 8],
              (i * 7919 % 1000000) / 100.0, i % 17, i % 3 = 0,
              (to_timestamp($1::double precision / 1000 + i - 1) at time zone 'UTC')::date,
              'C' || (i * 13 % 100000) || 'X', 'note ' || (i * 31 % 997) || ', ok'
         from generate_series(1, $2::bigint) as i`,
    [BASE_MS, rows],
  );
  await admin.query(`create index on "${schema}".orders (created_at)`);
  await admin.query(`analyze "${schema}".orders`);
}

async function ours(schema: string, index: number): Promise<number> {
  const connector = getConnector('postgres');
  if (!connector) throw new Error('The postgres connector is not registered in src/connectors/registry.ts.');
  const url = new URL(POSTGRES_URL);
  const warehouse = await openWarehouse({ url: POSTGRES_URL, schema });
  try {
    const target = dataset(`delta-${index}`);
    const result = await ingest({
      connector,
      context: {
        params: {
          host: url.hostname,
          port: Number(url.port || 5432),
          database: url.pathname.slice(1),
          user: url.username,
        },
        fileRoots: [],
      },
      read: {
        source: { data: { format: 'tabular' }, params: { tableName: `${schema}.orders` } },
        window: windowMs,
        deltaColumn: 'created_at',
        timezone: 'UTC',
        batchSize: 5000,
      },
      warehouse,
      dataset: target,
      mapping: target.schema.fields.map((field) => ({ source: field.name, destination: field.name })),
      runId: `delta-run-${index}`,
    });
    await warehouse.dropDataset(target.id);
    return result.records;
  } finally {
    await warehouse.close();
  }
}

async function psqlPipe(admin: pg.Client, schema: string, index: number): Promise<number> {
  const table = `"${schema}".pipe_${index}`;
  await admin.query(`create table ${table} (${POSTGRES_COLUMNS})`);
  const start = new Date(windowMs.startMs).toISOString();
  const end = new Date(windowMs.endMs).toISOString();
  const select = `select * from "${schema}".orders where created_at >= '${start}' and created_at < '${end}'`;
  await run('bash', [
    '-o',
    'pipefail',
    '-c',
    `psql '${POSTGRES_URL}' -v ON_ERROR_STOP=1 -c "\\copy (${select.replace(/"/g, '\\"')}) to stdout" | ` +
      `psql '${POSTGRES_URL}' -v ON_ERROR_STOP=1 -c "\\copy ${table.replace(/"/g, '\\"')} from stdin"`,
  ]);
  const result = await admin.query<{ count: string }>(`select count(*) from ${table}`);
  await admin.query(`drop table ${table}`);
  return Number(result.rows[0]!.count);
}

async function main(): Promise<void> {
  printHeader(`PostgreSQL delta window: ${rows} source rows, window of ${expected}, ${runs} runs`);
  const schema = uniqueSchema('delta');
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  const seconds = { ours: [] as number[], pipe: [] as number[] };
  try {
    await createSource(admin, schema);
    for (let index = 1; index <= runs; index += 1) {
      for (const [name, load] of [
        ['ours', () => ours(schema, index)],
        ['pipe', () => psqlPipe(admin, schema, index)],
      ] as const) {
        const { seconds: elapsed, value: loaded } = await timed(load);
        if (loaded !== expected) throw new Error(`${name} loaded ${loaded} rows instead of ${expected}`);
        seconds[name].push(elapsed);
        console.log(
          `run ${index} ${name === 'ours' ? 'tributary postgres' : 'psql pipe'}: ${round(elapsed)} s, ${Math.round(expected / elapsed)} rows/s`,
        );
      }
    }
    const oursMedian = median(seconds.ours);
    const pipeMedian = median(seconds.pipe);
    console.log('\n# medians');
    console.log(`tributary postgres: median ${round(oursMedian)} s, ${Math.round(expected / oursMedian)} rows/s`);
    console.log(`psql pipe: median ${round(pipeMedian)} s, ${Math.round(expected / pipeMedian)} rows/s`);
    console.log(`ratio (our throughput / psql pipe; goal >= 0.5): ${round(pipeMedian / oursMedian)}`);
  } finally {
    await admin.query(`drop schema if exists "${schema}" cascade`).catch(() => {});
    await admin.end();
  }
}

await main();
