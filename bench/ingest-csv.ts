import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openWarehouse } from '../src/datasets/warehouse.ts';
import { csvDataset, csvMapping, POSTGRES_COLUMNS, SQLITE_COLUMNS, writeCsv, CSV_COLUMNS } from './csv-file.ts';
import { ingestCsvFile } from './ingest-path.ts';
import {
  argument,
  hasCommand,
  integerArgument,
  makeTempDir,
  median,
  POSTGRES_URL,
  printHeader,
  removeTempDir,
  round,
  run,
  timed,
  uniqueSchema,
} from './support.ts';

// CSV into the warehouse through our real path, beside the tools a user would otherwise reach for:
// `sqlite3 .import` for SQLite, `psql \copy` and pgloader for PostgreSQL. Each round runs every
// contender once, one after the other, on the same file, so that load from others hits all alike.
//
//   node --import tsx bench/ingest-csv.ts [--rows 1000000] [--runs 3] [--targets sqlite,postgres,pgloader]
//
// Our PostgreSQL figure is measured with `postgres` and compared with pgloader only when both run.

type Contender = {
  name: string;
  target: 'sqlite' | 'postgres';
  reference: boolean;
  load: (round: number) => Promise<number>;
};

const rows = integerArgument('rows', 1_000_000);
const runs = integerArgument('runs', 3);
const targets = argument('targets', 'sqlite,postgres,pgloader').split(',');
const usesPostgres = targets.includes('postgres') || targets.includes('pgloader');

async function main(): Promise<void> {
  printHeader(`CSV ingestion: ${rows} rows, ${runs} runs`);
  const dir = makeTempDir('ingest');
  const schema = uniqueSchema('ingest');
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    const csv = path.join(dir, 'files', 'orders.csv');
    fs.mkdirSync(path.dirname(csv));
    const bytes = await writeCsv(csv, rows);
    console.log(`# file: ${rows} rows, ${round(bytes / 1e6, 1)} MB, ${CSV_COLUMNS.length} columns`);

    if (usesPostgres) {
      await admin.connect();
      await admin.query(`create schema "${schema}"`);
    }
    const contenders = [
      ...(targets.includes('sqlite') ? sqliteContenders(dir, csv) : []),
      ...(usesPostgres ? postgresContenders(dir, csv, schema, admin) : []),
    ];
    const seconds = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
    const failures = new Map<string, string>();

    for (let index = 1; index <= runs; index += 1) {
      for (const contender of contenders) {
        if (failures.has(contender.name)) continue;
        try {
          const { seconds: elapsed, value: loaded } = await timed(() => contender.load(index));
          if (loaded !== rows) throw new Error(`loaded ${loaded} rows instead of ${rows}`);
          seconds.get(contender.name)!.push(elapsed);
          console.log(`run ${index} ${contender.name}: ${round(elapsed)} s, ${Math.round(rows / elapsed)} rows/s`);
        } catch (error) {
          failures.set(contender.name, (error as Error).message.split('\n').slice(0, 3).join(' '));
          console.log(`run ${index} ${contender.name}: failed: ${failures.get(contender.name)}`);
        }
      }
    }

    console.log('\n# medians');
    for (const contender of contenders) {
      const values = seconds.get(contender.name)!;
      if (values.length === 0) {
        console.log(`${contender.name}: not measured (${failures.get(contender.name)})`);
        continue;
      }
      const value = median(values);
      console.log(
        `${contender.name}: median ${round(value)} s of ${values.length}, ${Math.round(rows / value)} rows/s, ` +
          `${round(bytes / 1e6 / value, 1)} MB/s`,
      );
    }
    printRatios(contenders, seconds);
  } finally {
    if (usesPostgres) {
      await admin.query(`drop schema if exists "${schema}" cascade`).catch(() => {});
      await admin.end().catch(() => {});
    }
    removeTempDir(dir);
  }
}

/** Our throughput divided by each reference's, per target: 1.0 is as fast, the goal is at least 0.5. */
function printRatios(contenders: Contender[], seconds: Map<string, number[]>): void {
  console.log('\n# ratios (our throughput / reference throughput; goal >= 0.5)');
  for (const ours of contenders.filter((contender) => !contender.reference)) {
    const oursSeconds = seconds.get(ours.name)!;
    if (oursSeconds.length === 0) continue;
    for (const reference of contenders.filter((contender) => contender.reference && contender.target === ours.target)) {
      const referenceSeconds = seconds.get(reference.name)!;
      if (referenceSeconds.length === 0) continue;
      console.log(`${ours.name} vs ${reference.name}: ${round(median(referenceSeconds) / median(oursSeconds))}`);
    }
  }
}

function sqliteContenders(dir: string, csv: string): Contender[] {
  return [
    {
      name: 'tributary sqlite',
      target: 'sqlite',
      reference: false,
      load: async (index) => {
        const file = path.join(dir, `warehouse-${index}.db`);
        const warehouse = await openWarehouse({ url: `sqlite:${file}` });
        try {
          const result = await ingestCsvFile(csv, {
            warehouse,
            dataset: csvDataset('orders'),
            mapping: csvMapping,
            runId: `run-${index}`,
          });
          return result.records;
        } finally {
          await warehouse.close();
          removeDatabaseFiles(file);
        }
      },
    },
    {
      name: 'sqlite3 .import',
      target: 'sqlite',
      reference: true,
      load: async (index) => {
        const file = path.join(dir, `import-${index}.db`);
        try {
          // Same journal settings as our warehouse, so the comparison is of the load path alone.
          await run('sqlite3', [
            file,
            'pragma journal_mode = wal;',
            'pragma synchronous = normal;',
            `create table orders (${SQLITE_COLUMNS});`,
            `.import --csv --skip 1 ${csv} orders`,
          ]);
          const count = await run('sqlite3', [file, 'select count(*) from orders;']);
          return Number(count.trim());
        } finally {
          removeDatabaseFiles(file);
        }
      },
    },
  ];
}

function postgresContenders(dir: string, csv: string, schema: string, admin: pg.Client): Contender[] {
  const count = async (table: string) => {
    const result = await admin.query<{ count: string }>(`select count(*) from "${schema}"."${table}"`);
    return Number(result.rows[0]!.count);
  };
  const contenders: Contender[] = [];
  if (targets.includes('postgres'))
    contenders.push(
      {
        name: 'tributary postgres',
        target: 'postgres',
        reference: false,
        load: async (index) => {
          const warehouse = await openWarehouse({ url: POSTGRES_URL, schema });
          try {
            const dataset = csvDataset(`orders-${index}`);
            const result = await ingestCsvFile(csv, { warehouse, dataset, mapping: csvMapping, runId: `run-${index}` });
            await warehouse.dropDataset(dataset.id);
            return result.records;
          } finally {
            await warehouse.close();
          }
        },
      },
      {
        name: 'psql \\copy',
        target: 'postgres',
        reference: true,
        load: async (index) => {
          const table = `copy_${index}`;
          await admin.query(`create table "${schema}"."${table}" (${POSTGRES_COLUMNS})`);
          await run('psql', [
            POSTGRES_URL,
            '-v',
            'ON_ERROR_STOP=1',
            '-c',
            `\\copy "${schema}"."${table}" from '${csv}' with (format csv, header true)`,
          ]);
          const loaded = await count(table);
          await admin.query(`drop table "${schema}"."${table}"`);
          return loaded;
        },
      },
    );
  if (!targets.includes('pgloader')) return contenders;
  if (!hasCommand('pgloader')) {
    console.log('# pgloader: not installed (apt-get install -y pgloader), not measured');
    return contenders;
  }
  contenders.push({
    name: 'pgloader',
    target: 'postgres',
    reference: true,
    load: async (index) => {
      const table = `pgloader_${index}`;
      await admin.query(`create table "${schema}"."${table}" (${POSTGRES_COLUMNS})`);
      const commands = path.join(dir, `pgloader-${index}.load`);
      fs.writeFileSync(
        commands,
        `LOAD CSV FROM '${csv}' (${CSV_COLUMNS.join(', ')})
  INTO ${POSTGRES_URL}
  TARGET TABLE "${schema}"."${table}"
  WITH skip header = 1, fields terminated by ',', fields optionally enclosed by '"';
`,
      );
      await run('pgloader', ['--quiet', '--no-ssl-cert-verification', commands], {
        env: { ...process.env, TMPDIR: dir },
      });
      const loaded = await count(table);
      await admin.query(`drop table "${schema}"."${table}"`);
      return loaded;
    },
  });
  return contenders;
}

function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
}

await main();
