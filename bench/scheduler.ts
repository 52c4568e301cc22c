import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { createCsvFlow, flowCloneSelect, startServer } from './server.ts';
import {
  argument,
  integerArgument,
  makeTempDir,
  median,
  percentile,
  POSTGRES_URL,
  printHeader,
  removeTempDir,
  round,
} from './support.ts';

// Scheduler and workers under many flows due at the same instant: 10,000 hourly flows whose first
// window closes a few seconds after they are created, each reading an empty folder, so the figure is
// the engine's own overhead. Lateness is a run's start minus its due time, read from the runs table.
// A real `tributary serve` runs the scheduler and the workers; the metadata store is a SQLite file
// or a fresh PostgreSQL database, dropped after.
//
//   node --import tsx bench/scheduler.ts [--flows 10000] [--backends sqlite,postgres] [--workers 1,4]
//     [--runs 3] [--timeout-s 240] [--profile-dir /tmp/prof]
// `--profile-dir` makes the server write a CPU profile there when it stops.

const flows = integerArgument('flows', 10_000);
const backends = argument('backends', 'sqlite,postgres').split(',');
const workerCounts = argument('workers', '1,4').split(',').map(Number);
const runs = integerArgument('runs', 3);
const timeoutMs = integerArgument('timeout-s', 240) * 1000;
const profileDir = argument('profile-dir', '');
// Time from the start of setup to the common due time: enough to create every flow before it.
const LEAD_MS = 20_000;

interface RunTimes {
  status: string;
  created_at: number;
  due_at: number;
  started_at: number | null;
  completed_at: number | null;
}

/** Reads the metadata database behind the server: clones flows, and reads run times. */
interface MetadataAccess {
  cloneFlow(flowId: string, copies: number): Promise<void>;
  runTimes(): Promise<RunTimes[]>;
  close(): Promise<void>;
}

function sqliteAccess(file: string): MetadataAccess {
  const db = new BetterSqlite3(file);
  db.pragma('busy_timeout = 10000');
  return {
    async cloneFlow(flowId, copies) {
      const columns = (db.prepare(`select name from pragma_table_info('flows')`).all() as { name: string }[]).map(
        (row) => row.name,
      );
      db.prepare(
        `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
         insert into flows (${columns.join(', ')}) select ${flowCloneSelect(columns)} from flows f, n where f.id = ?`,
      ).run(copies, flowId);
    },
    async runTimes() {
      return db.prepare(`select status, created_at, due_at, started_at, completed_at from runs`).all() as RunTimes[];
    },
    async close() {
      db.close();
    },
  };
}

async function postgresAccess(url: string): Promise<MetadataAccess> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async cloneFlow(flowId, copies) {
      const result = await client.query<{ name: string }>(
        `select column_name as name from information_schema.columns where table_schema = 'public' and table_name = 'flows'`,
      );
      const columns = result.rows.map((row) => row.name);
      await client.query(
        `insert into flows (${columns.join(', ')}) select ${flowCloneSelect(columns)} from flows f, generate_series(1, $1::int) n(i) where f.id = $2`,
        [copies, flowId],
      );
    },
    async runTimes() {
      const result =
        await client.query<RunTimes>(`select status, created_at::float8 as created_at, due_at::float8 as due_at, started_at::float8 as started_at,
        completed_at::float8 as completed_at from runs`);
      return result.rows;
    },
    async close() {
      await client.end();
    },
  };
}

interface Figures {
  started: number;
  finished: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  /** Scheduler alone: creation of the run minus its due time, over the runs created. */
  createdP99Ms: number;
  runsPerSecond: number;
}

async function measure(backend: string, workers: number): Promise<Figures> {
  const dir = makeTempDir('scheduler');
  const database = `bench_scheduler_${process.pid}_${Date.now().toString(36)}`;
  const admin = backend === 'postgres' ? new pg.Client({ connectionString: POSTGRES_URL }) : null;
  let access: MetadataAccess | null = null;
  const fileRoot = path.join(dir, 'files');
  fs.mkdirSync(path.join(fileRoot, 'empty'), { recursive: true });
  try {
    let databaseUrl: string | undefined;
    if (admin) {
      await admin.connect();
      await admin.query(`create database ${database}`);
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${database}`;
      databaseUrl = url.toString();
    }
    const server = await startServer({
      dataDir: path.join(dir, 'data'),
      fileRoot,
      workers,
      ...(databaseUrl ? { databaseUrl } : {}),
      ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    });
    try {
      access = databaseUrl ? await postgresAccess(databaseUrl) : sqliteAccess(path.join(dir, 'data', 'metadata.db'));
      const dueAt = Date.now() + LEAD_MS;
      const { flowId } = await createCsvFlow(server, {
        folder: 'empty',
        path: '*.csv',
        datasetName: 'ticks',
        fields: [{ name: 'value', type: 'string' }],
        scheduleParams: {
          frequency: 'hour',
          interval: 1,
          startTime: new Date(dueAt - 3_600_000).toISOString(),
          backfill: false,
        },
      });
      await access.cloneFlow(flowId, flows - 1);
      if (Date.now() >= dueAt)
        throw new Error(`creating ${flows} flows took longer than the ${LEAD_MS} ms lead; raise LEAD_MS`);

      let times: RunTimes[] = [];
      const deadline = dueAt + timeoutMs;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        times = await access.runTimes();
        if (times.filter((time) => time.completed_at !== null).length >= flows) break;
      }
      return figures(times);
    } finally {
      await access?.close();
      await server.stop();
    }
  } finally {
    if (admin) {
      await admin.query(`drop database if exists ${database} with (force)`).catch(() => {});
      await admin.end();
    }
    removeTempDir(dir);
  }
}

function figures(times: RunTimes[]): Figures {
  const started = times.filter((time) => time.started_at !== null);
  const finished = times.filter((time) => time.completed_at !== null);
  const lateness = started.map((time) => Number(time.started_at) - Number(time.due_at));
  // Runs that never started by the deadline count as late by the whole wait, so p99 is a lower bound.
  const waited = Math.max(...times.map((time) => Date.now() - Number(time.due_at)), 0);
  for (let index = started.length; index < flows; index += 1) lateness.push(waited);
  const firstDue = Math.min(...times.map((time) => Number(time.due_at)));
  const lastDone = Math.max(...finished.map((time) => Number(time.completed_at)));
  return {
    started: started.length,
    finished: finished.length,
    failed: times.filter((time) => time.status === 'failed').length,
    p50Ms: percentile(lateness, 50),
    p99Ms: percentile(lateness, 99),
    createdP99Ms: percentile(
      times.map((time) => Number(time.created_at) - Number(time.due_at)),
      99,
    ),
    runsPerSecond: finished.length / Math.max((lastDone - firstDue) / 1000, 0.001),
  };
}

async function main(): Promise<void> {
  printHeader(`Scheduler: ${flows} hourly flows due together, ${runs} runs per configuration`);
  for (const backend of backends) {
    for (const workers of workerCounts) {
      const results: Figures[] = [];
      for (let index = 1; index <= runs; index += 1) {
        const result = await measure(backend, workers);
        results.push(result);
        console.log(
          `run ${index} ${backend} workers=${workers}: started ${result.started}, finished ${result.finished}, failed ${result.failed}, ` +
            `lateness p50 ${round(result.p50Ms / 1000)} s p99 ${round(result.p99Ms / 1000)} s, ` +
            `created p99 ${round(result.createdP99Ms / 1000)} s after due, ${round(result.runsPerSecond, 1)} runs/s`,
        );
      }
      console.log(
        `${backend} workers=${workers} median: lateness p50 ${round(median(results.map((r) => r.p50Ms)) / 1000)} s, ` +
          `p99 ${round(median(results.map((r) => r.p99Ms)) / 1000)} s (goal < 1 s), ` +
          `created p99 ${round(median(results.map((r) => r.createdP99Ms)) / 1000)} s after due, ` +
          `${round(median(results.map((r) => r.runsPerSecond)), 1)} runs/s`,
      );
    }
  }
}

await main();
