import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { openWarehouse } from '../../src/datasets/warehouse.ts';
import { makeTempDir, postgresUrl, skipUnlessPostgres, uniqueSchemaName } from '../support/backends.ts';
import { startServerProcess, type ServerProcess } from '../support/process.ts';
import { waitFor } from '../support/wait.ts';

// A server killed with SIGKILL in the middle of a 1M-row ingest, through the real connector, mapper
// and warehouse: no row of the run is visible afterwards, and the restarted server finishes the
// run with the exact count.

const ROWS = 1_000_000;
const TOKEN = 'killed-ingest-token';
const FILE_TIME = Date.parse('2026-12-04T08:30:00Z');

function writeCsv(file: string): void {
  const descriptor = fs.openSync(file, 'w');
  try {
    fs.writeSync(descriptor, 'id;amount;label\n');
    const chunk: string[] = [];
    for (let index = 1; index <= ROWS; index += 1) {
      chunk.push(`${index};${index % 1000},${index % 100};row ${index}\n`);
      if (chunk.length === 50_000) {
        fs.writeSync(descriptor, chunk.join(''));
        chunk.length = 0;
      }
    }
  } finally {
    fs.closeSync(descriptor);
  }
  fs.utimesSync(file, FILE_TIME / 1000, FILE_TIME / 1000);
}

const warehouses = [
  { name: 'sqlite', skip: false as string | false },
  { name: 'postgres', skip: await skipUnlessPostgres() },
];

for (const kind of warehouses) {
  describe(`killed 1M-row ingest on the ${kind.name} warehouse`, { skip: kind.skip }, () => {
    const servers: ServerProcess[] = [];
    let database: string | undefined;
    after(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      if (database) {
        const admin = new pg.Client({ connectionString: postgresUrl });
        await admin.connect();
        await admin.query(`drop database if exists "${database}" with (force)`);
        await admin.end();
      }
    });

    test('no visible rows, then the exact count', async () => {
      const dataDir = makeTempDir('tributary-kill-');
      const fileRoot = path.join(dataDir, 'files');
      fs.mkdirSync(path.join(fileRoot, 'big'), { recursive: true });
      writeCsv(path.join(fileRoot, 'big', 'rows.csv'));

      let warehouseUrl = `sqlite:${path.join(dataDir, 'warehouse.db')}`;
      if (kind.name === 'postgres') {
        database = uniqueSchemaName('kill');
        const admin = new pg.Client({ connectionString: postgresUrl });
        await admin.connect();
        await admin.query(`create database "${database}"`);
        await admin.end();
        const url = new URL(postgresUrl);
        url.pathname = `/${database}`;
        warehouseUrl = url.toString();
      }
      const env = {
        TRIBUTARY_DATA_DIR: dataDir,
        TRIBUTARY_FILE_ROOTS: fileRoot,
        WAREHOUSE_URL: warehouseUrl,
        TRIBUTARY_ADMIN_TOKEN: TOKEN,
        TRIBUTARY_WORKER_CONCURRENCY: '1',
        TRIBUTARY_LEASE_SECONDS: '2',
        TRIBUTARY_HEARTBEAT_INTERVAL_MS: '200',
      };

      const first = await startServerProcess(env);
      servers.push(first);
      const call = async <T = { id: string }>(
        server: ServerProcess,
        method: string,
        url: string,
        body?: unknown,
      ): Promise<T> => {
        const response = await fetch(`${server.url}${url}`, {
          method,
          headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        const json = (await response.json()) as T;
        assert.ok(response.ok, `${method} ${url}: ${JSON.stringify(json)}`);
        return json;
      };

      const account = await call(first, 'POST', '/api/v1/connections', {
        name: 'Big',
        connectionSpec: { id: 'local-files' },
        auth: { params: { folder: 'big' } },
      });
      const source = await call(first, 'POST', '/api/v1/sourceConnections', {
        name: 'Rows',
        baseConnectionId: account.id,
        data: { format: 'delimited', properties: { columnDelimiter: ';', header: true } },
        params: { path: '*.csv' },
      });
      const dataset = await call(first, 'POST', '/api/v1/datasets', {
        name: 'rows',
        schema: {
          fields: [
            { name: 'id', type: 'integer', required: true },
            { name: 'amount', type: 'number' },
            { name: 'label', type: 'string' },
          ],
        },
      });
      const flow = await call(first, 'POST', '/api/v1/flows', {
        name: 'Rows',
        sourceConnectionIds: [source.id],
        targetDatasetId: dataset.id,
        transformations: {
          mapping: [
            { source: 'id', destination: 'id' },
            { source: 'amount', destination: 'amount', decimalSeparator: ',' },
            { source: 'label', destination: 'label' },
          ],
        },
        scheduleParams: { frequency: 'day', interval: 1, startTime: '2027-01-01T00:00:00Z' },
      });
      const run = await call(first, 'POST', '/api/v1/runs', {
        flowId: flow.id,
        params: {
          startTime: '2026-12-04T09:00:00Z',
          windowStartTime: '2026-12-04T08:00:00Z',
          windowEndTime: '2026-12-04T09:00:00Z',
        },
      });

      await waitFor(
        async () => {
          const current = await call<{ metrics: { progress?: { recordsRead: number } } }>(
            first,
            'GET',
            `/api/v1/runs/${run.id}`,
          );
          const read = current.metrics.progress?.recordsRead ?? 0;
          return read > 0 && read < ROWS;
        },
        { timeoutMs: 120_000, intervalMs: 50, message: 'the run to be part-way through' },
      );
      first.child.kill('SIGKILL');
      await first.stop();

      const warehouse = await openWarehouse({ url: warehouseUrl });
      try {
        assert.deepEqual(await warehouse.stats(dataset.id), { rowCount: 0, batchCount: 0 });
      } finally {
        await warehouse.close();
      }

      const second = await startServerProcess(env);
      servers.push(second);
      const done = await waitFor(
        async () => {
          const current = await call<{
            status: string;
            attempt: number;
            metrics: { recordSummary: { outputRecordCount: number } };
          }>(second, 'GET', `/api/v1/runs/${run.id}`);
          return ['success', 'failed'].includes(current.status) ? current : null;
        },
        { timeoutMs: 240_000, intervalMs: 200, message: 'the recovered run to end' },
      );
      assert.equal(done.status, 'success');
      assert.equal(done.attempt, 2);
      assert.equal(done.metrics.recordSummary.outputRecordCount, ROWS);
      const stats = await call<{ stats: unknown }>(second, 'GET', `/api/v1/datasets/${dataset.id}`);
      assert.deepEqual(stats.stats, { rowCount: ROWS, batchCount: 1 });
    });
  });
}
