import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getRun } from '../../src/store/runs/getRun.ts';
import { insertRun } from '../../src/store/runs/insertRun.ts';
import { makeTempDir, metadataBackends, skipBackend, skipUnlessPostgres } from '../support/backends.ts';
import { waitFor } from '../support/wait.ts';
import { dataset, insertFlow, openTestWarehouse } from './fixtures.ts';

// Several worker processes on one database, and a worker killed in the middle of a run.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOUR = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

interface Worker {
  child: ChildProcess;
  exited: Promise<number | null>;
}

async function spawnWorker(env: Record<string, string>): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/engine-worker.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) resolve();
    });
    void exited.then((code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
  return { child, exited };
}

async function stopWorker(worker: Worker): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  await worker.exited;
}

function databaseEnv(store: { url: string; schema?: string }, warehouse: { url: string; schema?: string }) {
  return {
    TEST_DATABASE_URL: store.url,
    TEST_WAREHOUSE_URL: warehouse.url,
    ...(store.schema ? { TEST_DATABASE_SCHEMA: store.schema } : {}),
    ...(warehouse.schema ? { TEST_WAREHOUSE_SCHEMA: warehouse.schema } : {}),
  };
}

describe('worker processes on postgres', { skip: await skipUnlessPostgres() }, () => {
  test('four workers execute each run once', async () => {
    const backend = metadataBackends.find((candidate) => candidate.name === 'postgres')!;
    const store = await backend.open();
    const warehouse = await openTestWarehouse('postgres');
    const logDir = makeTempDir();
    const workers: Worker[] = [];
    try {
      // NOTE: workers start before the runs exist, because a process whose store migration lists
      // tables while another process drops a staging table can fail to start.
      for (let i = 0; i < 4; i += 1) {
        workers.push(
          await spawnWorker({
            ...databaseEnv(store, warehouse),
            TEST_WORKERS: '2',
            TEST_EXECUTION_LOG: path.join(logDir, `worker-${i}.log`),
          }),
        );
      }

      const now = Date.now();
      for (let flow = 0; flow < 20; flow += 1) {
        await insertFlow(store.db, { id: `f${flow}` });
        for (let k = 0; k < 10; k += 1) {
          await insertRun(
            store.db,
            {
              orgId: 'org1',
              sandbox: 'prod',
              flowId: `f${flow}`,
              trigger: 'onDemand',
              dueAt: T0 + (k + 1) * HOUR,
              windowStart: T0 + k * HOUR,
              windowEnd: T0 + (k + 1) * HOUR,
              createdBy: 'user1',
            },
            now,
          );
        }
      }

      await waitFor(
        async () => {
          const row = await store.db
            .selectFrom('runs')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('status', '=', 'success')
            .executeTakeFirstOrThrow();
          return Number(row.n) === 200;
        },
        { timeoutMs: 180_000, intervalMs: 200, message: '200 runs to succeed' },
      );

      const executions = fs
        .readdirSync(logDir)
        .flatMap((file) => fs.readFileSync(path.join(logDir, file), 'utf8').trim().split('\n'))
        .filter(Boolean);
      assert.equal(executions.length, 200);
      assert.equal(new Set(executions).size, 200);
      assert.ok(fs.readdirSync(logDir).length > 1, 'more than one worker took part');

      const attempts = await store.db.selectFrom('runs').select('attempt').where('attempt', '!=', 1).execute();
      assert.deepEqual(attempts, []);
      assert.deepEqual(await warehouse.warehouse.stats(dataset.id), { rowCount: 200 * 60, batchCount: 200 });
    } finally {
      await Promise.all(workers.map(stopWorker));
      await warehouse.close();
      await store.close();
    }
  });
});

for (const backend of metadataBackends) {
  describe(`killed worker on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    test('another worker completes the run once', async () => {
      const store = await backend.open();
      const warehouse = await openTestWarehouse(backend.name);
      const gate = path.join(makeTempDir(), 'gate-never-opens');
      let first: Worker | undefined;
      let second: Worker | undefined;
      try {
        await insertFlow(store.db, { id: 'f1' });
        const run = await insertRun(
          store.db,
          {
            orgId: 'org1',
            sandbox: 'prod',
            flowId: 'f1',
            trigger: 'onDemand',
            dueAt: T0 + 2 * HOUR,
            windowStart: T0,
            windowEnd: T0 + 2 * HOUR,
            createdBy: 'user1',
          },
          Date.now(),
        );
        const env = { ...databaseEnv(store, warehouse), TEST_BATCH_SIZE: '10', TEST_LEASE_SECONDS: '1' };

        first = await spawnWorker({ ...env, TEST_GATE_FILE: gate });
        await waitFor(async () => (await getRun(store.db, run.id))?.metrics.recordsRead === 10, {
          timeoutMs: 30_000,
          message: 'the first worker to read a batch',
        });
        first.child.kill('SIGKILL');
        await first.exited;

        second = await spawnWorker(env);
        const done = await waitFor(
          async () => {
            const current = await getRun(store.db, run.id);
            return current?.status === 'success' ? current : null;
          },
          { timeoutMs: 30_000, message: 'the second worker to finish the run' },
        );
        assert.equal(done.attempt, 2);
        assert.equal(done.metrics.outputRecordCount, 120);
        assert.deepEqual(await warehouse.warehouse.stats(dataset.id), { rowCount: 120, batchCount: 1 });
        const rows = await warehouse.warehouse.readRows(dataset, { limit: 500, offset: 0 });
        assert.equal(new Set(rows.items.map((row) => row.id)).size, 120);
      } finally {
        if (second) await stopWorker(second);
        if (first) await stopWorker(first);
        await warehouse.close();
        await store.close();
      }
    });
  });
}
