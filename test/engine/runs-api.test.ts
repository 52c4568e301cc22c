import assert from 'node:assert/strict';
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { registerRunRoutes } from '../../src/api/routes/runs.ts';
import { startEngine, type Engine } from '../../src/engine/start.ts';
import { metadataBackends, skipBackend } from '../support/backends.ts';
import { auth, startTestApi, type TestApi } from '../support/api.ts';
import { waitFor } from '../support/wait.ts';

// The runs API over the real pipeline: a local-files source, the mapper and the SQLite warehouse.

const FILE_TIME = Date.parse('2026-12-04T08:30:00Z');

for (const backend of metadataBackends) {
  describe(`runs api on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    let api: TestApi;
    let engine: Engine;
    let flowId: string;
    let datasetId: string;
    let tableFlowId: string;
    let tableDatasetId: string;

    const post = (url: string, payload: unknown, token = api.tokens.adminA, headers: Record<string, string> = {}) =>
      api.app.inject({ method: 'POST', url, payload: payload as object, headers: { ...auth(token), ...headers } });
    const get = (url: string, token = api.tokens.adminA) =>
      api.app.inject({ method: 'GET', url, headers: auth(token) });
    const finished = (id: string) =>
      waitFor(
        async () => {
          const run = (await get(`/api/v1/runs/${id}`)).json();
          return ['success', 'failed', 'cancelled'].includes(run.status) ? run : null;
        },
        { message: `run ${id} to end` },
      );

    before(async () => {
      api = await startTestApi(backend, { apiRoutes: [registerRunRoutes] });
      const folder = path.join(api.fileRoot, 'exports');
      fs.mkdirSync(folder, { recursive: true });
      const file = path.join(folder, 'orders.csv');
      fs.writeFileSync(file, 'order_id;amount\nA1;1,5\nA2;2,25\nA3;oops\n');
      fs.utimesSync(file, FILE_TIME / 1000, FILE_TIME / 1000);

      const account = await post('/api/v1/connections', {
        name: 'Exports',
        connectionSpec: { id: 'local-files' },
        auth: { params: { folder: 'exports' } },
      });
      const source = await post('/api/v1/sourceConnections', {
        name: 'Orders CSV',
        baseConnectionId: account.json().id,
        data: { format: 'delimited', properties: { columnDelimiter: ';', header: true } },
        params: { path: '*.csv', recursive: false },
      });
      const dataset = await post('/api/v1/datasets', {
        name: 'orders',
        schema: {
          fields: [
            { name: 'orderId', type: 'string', required: true },
            { name: 'amount', type: 'number' },
          ],
        },
      });
      datasetId = dataset.json().id;
      const flow = await post('/api/v1/flows', {
        name: 'Orders hourly',
        sourceConnectionIds: [source.json().id],
        targetDatasetId: datasetId,
        transformations: {
          mapping: [
            { source: 'order_id', destination: 'orderId' },
            { source: 'amount', destination: 'amount', decimalSeparator: ',' },
          ],
        },
        scheduleParams: { frequency: 'hour', interval: 1, startTime: '2026-12-04T09:00:00Z', timezone: 'Europe/Paris' },
        options: { errorThresholdPercent: 50 },
      });
      assert.equal(flow.statusCode, 201, flow.body);
      flowId = flow.json().id;

      const crm = new BetterSqlite3(path.join(api.fileRoot, 'crm.db'));
      crm.exec(`create table customers (id text primary key, name text, updated_at datetime)`);
      const insert = crm.prepare('insert into customers values (?, ?, ?)');
      insert.run('C1', 'Ada', '2026-12-04 09:10:00');
      insert.run('C2', 'Bob', '2026-12-04 09:50:00');
      insert.run('C3', 'Cy', '2026-12-04 11:00:00');
      crm.close();
      const crmAccount = await post('/api/v1/connections', {
        name: 'CRM',
        connectionSpec: { id: 'sqlite' },
        auth: { params: { path: 'crm.db' } },
      });
      assert.equal(crmAccount.statusCode, 201, crmAccount.body);
      const customers = await post('/api/v1/sourceConnections', {
        name: 'Customers',
        baseConnectionId: crmAccount.json().id,
        data: { format: 'tabular' },
        params: { tableName: 'customers' },
      });
      assert.equal(customers.statusCode, 201, customers.body);
      const customerSet = await post('/api/v1/datasets', {
        name: 'customers',
        schema: {
          fields: [
            { name: 'id', type: 'string', required: true },
            { name: 'name', type: 'string' },
          ],
        },
        primaryKey: ['id'],
      });
      tableDatasetId = customerSet.json().id;
      const tableFlow = await post('/api/v1/flows', {
        name: 'Customers',
        sourceConnectionIds: [customers.json().id],
        targetDatasetId: tableDatasetId,
        scheduleParams: { frequency: 'day', interval: 1, startTime: '2026-12-05T00:00:00Z', timezone: 'Europe/Paris' },
      });
      assert.equal(tableFlow.statusCode, 201, tableFlow.body);
      tableFlowId = tableFlow.json().id;

      engine = await startEngine({
        ...api.services,
        config: { ...api.services.config, heartbeatIntervalMs: 50, pollIntervalMs: 20 },
        scheduler: false,
        workers: 1,
      });
    });
    after(async () => {
      await engine?.stop();
      await api?.close();
    });

    const window = {
      startTime: '2026-12-04T09:00:00Z',
      windowStartTime: '2026-12-04T08:00:00Z',
      windowEndTime: '2026-12-04T09:00:00Z',
    };

    test('on-demand run ingests its window', async () => {
      const created = await post('/api/v1/runs', { flowId, params: window });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.headers.location, `/api/v1/runs/${created.json().id}`);
      assert.equal(created.json().status, 'scheduled');
      assert.deepEqual(created.json().warnings, []);

      const run = await finished(created.json().id);
      assert.equal(run.status, 'success', JSON.stringify(run.errors));
      assert.deepEqual(run.params, { ...window, deltaColumn: null });
      assert.deepEqual(run.metrics.recordSummary, { inputRecordCount: 3, outputRecordCount: 2, failedRecordCount: 1 });
      assert.equal(run.metrics.fileSummary.inputFileCount, 1);
      assert.equal(run.trigger, 'onDemand');
      assert.equal(run.sandboxName, 'prod');
      assert.equal((await get(`/api/v1/datasets/${datasetId}`)).json().stats.rowCount, 2);

      const errors = (await get(`/api/v1/runs/${run.id}/errors`)).json();
      assert.equal(errors.count, 1);
      assert.equal(errors.items[0].field, 'amount');
      const csv = await get(`/api/v1/runs/${run.id}/errors?format=csv`);
      assert.match(csv.headers['content-type'] as string, /^text\/csv/);
      assert.equal(csv.body.trimEnd().split('\r\n').length, 2);
    });

    test('re-trigger keeps the row count', async () => {
      const list = (await get(`/api/v1/runs?property=flowId==${flowId}&property=status==success`)).json();
      const first = list.items[0];
      const retry = await post(`/api/v1/runs/${first.id}/action?op=re-trigger`, {});
      assert.equal(retry.statusCode, 201, retry.body);
      assert.equal(retry.json().retryOf, first.id);
      const run = await finished(retry.json().id);
      assert.equal(run.status, 'success');
      assert.equal((await get(`/api/v1/runs/${first.id}`)).json().superseded, true);
      assert.equal((await get(`/api/v1/datasets/${datasetId}`)).json().stats.rowCount, 2);
    });

    test('overlap warning and idempotency key', async () => {
      const headers = { 'idempotency-key': 'k-1' };
      const first = await post('/api/v1/runs', { flowId, params: window }, api.tokens.adminA, headers);
      assert.equal(first.statusCode, 201);
      assert.ok(first.json().warnings.length >= 1);
      const again = await post('/api/v1/runs', { flowId, params: window }, api.tokens.adminA, headers);
      assert.equal(again.json().id, first.json().id);
      await finished(first.json().id);
    });

    test('rejections are problem documents', async () => {
      const bad = await post('/api/v1/runs', {
        flowId,
        params: { ...window, windowStartTime: '2026-12-04T10:00:00Z' },
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().code, 'INVALID_WINDOW');
      assert.match(bad.headers['content-type'] as string, /^application\/problem\+json/);
      const late = await post('/api/v1/runs', { flowId, params: { ...window, startTime: '2026-12-04T08:30:00Z' } });
      assert.equal(late.json().code, 'WINDOW_END_AFTER_START');
      const millis = await post('/api/v1/runs', { flowId, params: { ...window, windowStartTime: '1764835200000' } });
      assert.equal(millis.json().code, 'EPOCH_MILLISECONDS');
      const op = await post(`/api/v1/runs/${flowId}/action?op=pause`, {});
      assert.equal(op.json().code, 'INVALID_OPERATION');
    });

    test('other organization gets 404', async () => {
      const created = await post('/api/v1/runs', { flowId, params: window }, api.tokens.adminB);
      assert.equal(created.statusCode, 404);
      assert.equal(created.json().code, 'NOT_FOUND');
      const list = (await get(`/api/v1/runs?property=flowId==${flowId}`)).json();
      const read = await get(`/api/v1/runs/${list.items[0].id}`, api.tokens.adminB);
      assert.equal(read.statusCode, 404);
      assert.equal((await get(`/api/v1/flows/${flowId}/scheduledRuns`, api.tokens.adminB)).statusCode, 404);
    });

    test('list, count, upcoming and backfill preview', async () => {
      const count = (await get(`/api/v1/runs?property=flowId==${flowId}&count=true`)).json();
      assert.ok(count.count >= 3);
      const page = (await get(`/api/v1/runs?property=flowId==${flowId}&limit=1`)).json();
      assert.equal(page.items.length, 1);
      const next = (await get(page._links.next.href)).json();
      assert.notEqual(next.items[0].id, page.items[0].id);

      const upcoming = (await get(`/api/v1/flows/${flowId}/scheduledRuns?limit=10`)).json();
      assert.ok(upcoming.items.length >= 10);
      const preview = await post(`/api/v1/flows/${flowId}/backfill`, {
        windowStartTime: '2026-12-04T06:00:00Z',
        windowEndTime: '2026-12-04T09:00:00Z',
        dryRun: true,
      });
      assert.equal(preview.statusCode, 200, preview.body);
      assert.deepEqual(
        preview.json().windows.map((w: { action: string; reason: string }) => `${w.action}:${w.reason}`),
        ['create:new', 'create:new', 'skip:succeeded'],
      );
    });
    test('table flow sets its delta column once', async () => {
      // 09:10 and 09:50 Paris time are 08:10 and 08:50 UTC, inside the window; 11:00 is not.
      const tableWindow = { ...window, windowStartTime: '2026-12-04T08:00:00Z', windowEndTime: '2026-12-04T09:00:00Z' };
      const create = (deltaColumn?: string) =>
        post('/api/v1/runs', {
          flowId: tableFlowId,
          params: { ...tableWindow, ...(deltaColumn ? { deltaColumn: { name: deltaColumn } } : {}) },
        });

      assert.equal((await create()).json().code, 'DELTA_COLUMN_REQUIRED');
      assert.equal((await create('name')).json().code, 'DELTA_COLUMN_NOT_FOUND');
      const fileFlow = await post('/api/v1/runs', {
        flowId,
        params: { ...window, deltaColumn: { name: 'updated_at' } },
      });
      assert.equal(fileFlow.json().code, 'DELTA_COLUMN_NOT_ALLOWED');

      const created = await create('updated_at');
      assert.equal(created.statusCode, 201, created.body);
      assert.deepEqual(created.json().params.deltaColumn, { name: 'updated_at' });
      assert.equal((await create('id')).json().code, 'DELTA_COLUMN_IMMUTABLE');

      const run = await finished(created.json().id);
      assert.equal(run.status, 'success', JSON.stringify(run.errors));
      assert.equal(run.metrics.recordSummary.outputRecordCount, 2);
      assert.equal((await get(`/api/v1/datasets/${tableDatasetId}`)).json().stats.rowCount, 2);
      assert.equal((await get(`/api/v1/flows/${tableFlowId}`)).json().transformations.deltaColumn.name, 'updated_at');
    });
  });
}
