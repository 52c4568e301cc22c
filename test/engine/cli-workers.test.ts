import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openWarehouse } from '../../src/datasets/warehouse.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { makeTempDir, postgresUrl, skipUnlessPostgres } from '../support/backends.ts';
import { waitFor } from '../support/wait.ts';

// `tributary worker` processes sharing one PostgreSQL database, over the real local-files pipeline.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const FLOWS = 20;
const WINDOWS = 10;
const ROWS_PER_FILE = 3;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['bin/tributary.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function seed(store: Store, folder: string): Promise<void> {
  const base = {
    org_id: 'org1',
    sandbox: 'prod',
    description: null,
    etag: 'e',
    created_at: T0,
    updated_at: T0,
    created_by: 'u1',
  };
  await store.db
    .insertInto('connections')
    .values({
      ...base,
      id: 'acc',
      name: 'Exports',
      spec_id: 'local-files',
      params: JSON.stringify({ folder }),
      secrets: null,
    })
    .execute();
  await store.db
    .insertInto('source_connections')
    .values({
      ...base,
      id: 'src',
      name: 'Orders',
      base_connection_id: 'acc',
      data: JSON.stringify({ format: 'delimited', properties: { columnDelimiter: ',', header: true } }),
      params: JSON.stringify({ path: '*.csv', recursive: false }),
    })
    .execute();
  await store.db
    .insertInto('datasets')
    .values({
      ...base,
      id: 'ds-orders',
      name: 'orders',
      schema: JSON.stringify({
        fields: [
          { name: 'orderId', type: 'string', required: true },
          { name: 'flow', type: 'string' },
        ],
      }),
      primary_key: null,
    })
    .execute();
  for (let flow = 0; flow < FLOWS; flow += 1) {
    await store.db
      .insertInto('flows')
      .values({
        ...base,
        id: `flow-${flow}`,
        name: `Orders ${flow}`,
        source_connection_ids: '["src"]',
        target_dataset_id: 'ds-orders',
        transformations: JSON.stringify({ mapping: [{ source: 'order_id', destination: 'orderId' }] }),
        schedule: JSON.stringify({
          frequency: 'hour',
          interval: 1,
          startTime: '2026-11-01T00:00:00Z',
          timezone: 'UTC',
          backfill: false,
          catchup: true,
        }),
        options: '{"errorThresholdPercent":5}',
        state: 'enabled',
        delta_column: null,
        schedule_cursor: null,
        disabled_at: null,
      })
      .execute();
  }
}

describe('tributary worker processes', { skip: await skipUnlessPostgres() }, () => {
  test('four workers run 200 real runs once', async () => {
    const database = `tributary_engine_${crypto.randomBytes(4).toString('hex')}`;
    await admin(`create database ${database}`);
    const url = postgresUrl.replace(/\/[^/]*$/, `/${database}`);
    const dataDir = makeTempDir();
    const fileRoot = path.join(dataDir, 'files');
    const folder = path.join(fileRoot, 'exports');
    fs.mkdirSync(folder, { recursive: true });
    for (let k = 0; k < WINDOWS; k += 1) {
      const file = path.join(folder, `orders-${k}.csv`);
      const rows = Array.from({ length: ROWS_PER_FILE }, (_, i) => `W${k}-${i}`);
      fs.writeFileSync(file, `order_id\n${rows.join('\n')}\n`);
      const mtime = (T0 + k * HOUR + 30 * 60_000) / 1000;
      fs.utimesSync(file, mtime, mtime);
    }

    const env = {
      ...process.env,
      DATABASE_URL: url,
      WAREHOUSE_URL: url,
      TRIBUTARY_DATA_DIR: dataDir,
      TRIBUTARY_FILE_ROOTS: fileRoot,
      TRIBUTARY_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
      TRIBUTARY_WORKER_CONCURRENCY: '2',
      TRIBUTARY_POLL_INTERVAL_MS: '50',
      TRIBUTARY_HEARTBEAT_INTERVAL_MS: '200',
      TRIBUTARY_DEMO: '0',
      LOG_LEVEL: 'info',
    };
    const workers: ChildProcess[] = [];
    let store: Store | undefined;
    try {
      const migrate = run(['migrate'], env);
      assert.equal(await new Promise((resolve) => migrate.once('exit', resolve)), 0);
      store = await openStore({ url, poolSize: 2 });
      await seed(store, 'exports');

      for (let i = 0; i < 4; i += 1) {
        const child = run(['worker'], env);
        workers.push(child);
        await new Promise<void>((resolve, reject) => {
          let output = '';
          child.stdout!.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes('worker started')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
        });
      }

      const now = Date.now();
      for (let flow = 0; flow < FLOWS; flow += 1) {
        await store.db
          .insertInto('runs')
          .values(
            Array.from({ length: WINDOWS }, (_, k) => ({
              id: crypto.randomUUID(),
              org_id: 'org1',
              sandbox: 'prod',
              flow_id: `flow-${flow}`,
              status: 'scheduled' as const,
              trigger: 'onDemand' as const,
              retry_of: null,
              superseded: 0,
              attempt: 0,
              due_at: T0 + (k + 1) * HOUR,
              window_start: T0 + k * HOUR,
              window_end: T0 + (k + 1) * HOUR,
              delta_column: null,
              schedule_key: null,
              metrics: '{}',
              errors: '[]',
              batch_id: null,
              lease_owner: null,
              lease_expires_at: null,
              cancel_requested: 0,
              started_at: null,
              completed_at: null,
              etag: 'e',
              created_at: now,
              updated_at: now,
              created_by: 'u1',
            })),
          )
          .execute();
      }

      const db = store.db;
      await waitFor(
        async () => {
          const rows = await db
            .selectFrom('runs')
            .select(['status'])
            .where('status', 'in', ['scheduled', 'inProgress'])
            .limit(1)
            .execute();
          return rows.length === 0;
        },
        { timeoutMs: 240_000, intervalMs: 250, message: 'every run to end' },
      );

      const statuses = await db.selectFrom('runs').select(['status', 'attempt', 'errors']).execute();
      assert.deepEqual(
        statuses.filter((row) => row.status !== 'success' || row.attempt !== 1),
        [],
      );
      const owners = await db.selectFrom('runs').select('batch_id').where('batch_id', 'is not', null).execute();
      assert.equal(new Set(owners.map((row) => row.batch_id)).size, FLOWS * WINDOWS);

      const warehouse = await openWarehouse({ url });
      try {
        assert.deepEqual(await warehouse.stats('ds-orders'), {
          rowCount: FLOWS * WINDOWS * ROWS_PER_FILE,
          batchCount: FLOWS * WINDOWS,
        });
      } finally {
        await warehouse.close();
      }
    } finally {
      for (const child of workers) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      }
      await Promise.all(
        workers.map((child) =>
          child.exitCode !== null ? null : new Promise((resolve) => child.once('exit', resolve)),
        ),
      );
      await store?.close();
      await admin(`drop database if exists ${database} with (force)`);
    }
  });
});
