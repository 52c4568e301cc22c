import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import BetterSqlite3 from 'better-sqlite3';
import { CSV_COLUMNS, writeCsv } from './csv-file.ts';
import { BENCH_TOKEN, createCsvFlow, flowCloneSelect, startServer, type RunningServer } from './server.ts';
import { argument, integerArgument, makeTempDir, median, printHeader, removeTempDir, round } from './support.ts';

// Listing one flow's runs with a million runs in the store, against a real `tributary serve` on
// loopback with its default SQLite databases: first idle, then while the same server ingests a
// CSV file of a million rows. The runs are inserted with SQL in bulk, spread over 100 flows.
//
//   node --import tsx bench/api-runs.ts [--runs-in-store 1000000] [--ingest-rows 1000000] [--runs 3]
//     [--duration-s 10] [--connections 1,10] [--profile-dir /tmp/prof]
//
// With one connection the latency is the server's own time per request; with ten, requests also
// queue behind each other. `--profile-dir` makes the server write a CPU profile there when it stops.

const runsInStore = integerArgument('runs-in-store', 1_000_000);
const ingestRows = integerArgument('ingest-rows', 1_000_000);
const runs = integerArgument('runs', 3);
const durationSeconds = integerArgument('duration-s', 10);
const connectionCounts = argument('connections', '1,10').split(',').map(Number);
const profileDir = argument('profile-dir', '');
const FLOWS = 100;
const HOUR_MS = 3_600_000;

const FIELDS = CSV_COLUMNS.map((name) => ({
  name,
  type:
    {
      id: 'integer',
      created_at: 'datetime',
      amount: 'number',
      quantity: 'integer',
      active: 'boolean',
      order_date: 'date',
    }[name as string] ?? 'string',
}));

/** Copies the flow 99 times and inserts `runsInStore` finished runs spread over the 100 flows. */
function fillStore(file: string, flowId: string): void {
  const db = new BetterSqlite3(file);
  db.pragma('busy_timeout = 10000');
  try {
    const columns = (db.prepare(`select name from pragma_table_info('flows')`).all() as { name: string }[]).map(
      (row) => row.name,
    );
    db.prepare(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
       insert into flows (${columns.join(', ')}) select ${flowCloneSelect(columns)} from flows f, n where f.id = ?`,
    ).run(FLOWS - 1, flowId);

    const flow = db.prepare(`select org_id, sandbox, created_by from flows where id = ?`).get(flowId) as {
      org_id: string;
      sandbox: string;
      created_by: string;
    };
    const flowIds = [flowId, ...Array.from({ length: FLOWS - 1 }, (_, index) => `${flowId}-${index + 1}`)];
    const insert = db.prepare(
      `insert into runs (id, org_id, sandbox, flow_id, status, trigger, retry_of, superseded, attempt, due_at, window_start,
         window_end, delta_column, schedule_key, metrics, errors, batch_id, lease_owner, lease_expires_at, cancel_requested,
         started_at, completed_at, etag, created_at, updated_at, created_by)
       values (?, ?, ?, ?, 'success', 'schedule', null, 0, 1, ?, ?, ?, null, ?, ?, '[]', ?, null, null, 0, ?, ?, ?, ?, ?, ?)`,
    );
    const metrics = JSON.stringify({
      inputRecordCount: 1200,
      outputRecordCount: 1200,
      failedRecordCount: 0,
      inputBytes: 123_456,
      outputBytes: 123_456,
      inputFileCount: 1,
    });
    const start = Date.UTC(2015, 0, 1);
    const perTransaction = 50_000;
    for (let first = 0; first < runsInStore; first += perTransaction) {
      db.transaction(() => {
        for (let index = first; index < Math.min(first + perTransaction, runsInStore); index += 1) {
          const flow_id = flowIds[index % FLOWS]!;
          const windowStart = start + Math.floor(index / FLOWS) * HOUR_MS;
          const dueAt = windowStart + HOUR_MS;
          insert.run(
            crypto.randomUUID(),
            flow.org_id,
            flow.sandbox,
            flow_id,
            dueAt,
            windowStart,
            dueAt,
            `${flow_id}:${windowStart}:${dueAt}`,
            metrics,
            crypto.randomUUID(),
            dueAt + 50,
            dueAt + 900,
            crypto.randomBytes(8).toString('hex'),
            dueAt,
            dueAt + 900,
            flow.created_by,
          );
        }
      })();
    }
  } finally {
    db.close();
  }
}

interface Latency {
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

async function listRuns(server: RunningServer, flowId: string, connections: number): Promise<Latency> {
  const result = await autocannon({
    url: `${server.url}/api/v1/runs?property=flowId==${flowId}&limit=50`,
    connections,
    duration: durationSeconds,
    headers: { authorization: `Bearer ${BENCH_TOKEN}` },
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.non2xx + result.errors,
  };
}

/** Measures every connection count once, printing each line; returns the figures by count. */
async function measureAll(server: RunningServer, flowId: string, label: string): Promise<Map<number, Latency>> {
  const figures = new Map<number, Latency>();
  for (const connections of connectionCounts) {
    const result = await listRuns(server, flowId, connections);
    figures.set(connections, result);
    console.log(
      `${label} connections=${connections}: p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
        `${Math.round(result.requests / durationSeconds)} requests/s, ${result.errors} errors`,
    );
  }
  return figures;
}

async function waitForStatus(server: RunningServer, runId: string, done: (status: string) => boolean): Promise<string> {
  for (;;) {
    const run = await server.api<{ status: string }>('GET', `/runs/${runId}`);
    if (done(run.status)) return run.status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function report(label: string, results: Map<number, Latency>[]): void {
  for (const connections of connectionCounts) {
    const figures = results.map((result) => result.get(connections)!);
    console.log(
      `${label} connections=${connections} median: p50 ${median(figures.map((r) => r.p50))} ms, ` +
        `p99 ${median(figures.map((r) => r.p99))} ms (goal < 50 ms), ` +
        `${Math.round(median(figures.map((r) => r.requests)) / durationSeconds)} requests/s`,
    );
  }
}

async function main(): Promise<void> {
  printHeader(
    `API run listing: ${runsInStore} runs in store, ${connectionCounts.join(' and ')} connections, ${durationSeconds} s per run, ${runs} runs`,
  );
  const dir = makeTempDir('api');
  const fileRoot = path.join(dir, 'files');
  fs.mkdirSync(path.join(fileRoot, 'orders'), { recursive: true });
  const server = await startServer({
    dataDir: path.join(dir, 'data'),
    fileRoot,
    ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
  });
  try {
    const { flowId } = await createCsvFlow(server, {
      folder: 'orders',
      path: '*.csv',
      datasetName: 'orders',
      fields: FIELDS,
      scheduleParams: { frequency: 'once', startTime: new Date().toISOString(), backfill: false },
    });
    const filled = Date.now();
    fillStore(path.join(dir, 'data', 'metadata.db'), flowId);
    console.log(`# inserted ${runsInStore} runs in ${round((Date.now() - filled) / 1000, 1)} s`);

    const idle = [];
    for (let index = 1; index <= runs; index += 1) idle.push(await measureAll(server, flowId, `run ${index} idle`));
    report('idle', idle);

    if (ingestRows === 0) return;
    await writeCsv(path.join(fileRoot, 'orders', 'orders.csv'), ingestRows);
    const busy = [];
    for (let index = 1; index <= runs; index += 1) {
      const now = new Date().toISOString();
      const run = await server.api<{ id: string }>('POST', '/runs', {
        flowId,
        params: { startTime: now, windowStartTime: '1970-01-01T00:00:00Z', windowEndTime: now },
      });
      await waitForStatus(server, run.id, (status) => status !== 'scheduled');
      busy.push(await measureAll(server, flowId, `run ${index} during ingest`));
      const status = (await server.api<{ status: string }>('GET', `/runs/${run.id}`)).status;
      if (status !== 'inProgress')
        console.log(`  the ingest ended before the measurement did (${status}); rerun with more rows`);
      const final = await waitForStatus(server, run.id, (value) => !['scheduled', 'inProgress'].includes(value));
      const finished = await server.api<{
        metrics: { durationSummary?: { durationMs?: number }; recordSummary?: { outputRecordCount?: number } };
      }>('GET', `/runs/${run.id}`);
      console.log(
        `  ingest run ${final}: ${finished.metrics.recordSummary?.outputRecordCount} records in ` +
          `${round((finished.metrics.durationSummary?.durationMs ?? 0) / 1000, 1)} s while serving requests`,
      );
    }
    report('during ingest', busy);
  } finally {
    await server.stop();
    removeTempDir(dir);
  }
}

await main();
