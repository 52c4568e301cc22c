import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { Scheduler } from '../../src/engine/scheduler.ts';
import { metadataBackends, skipBackend } from '../support/backends.ts';
import { auth, startTestApi, type TestApi } from '../support/api.ts';

// A disabled flow creates no runs; enabled again it catches up on the missed windows, or, with
// catch-up off, starts from now.

const HOUR = 3_600_000;
const START = Date.parse('2026-12-04T09:00:00Z');

for (const backend of metadataBackends) {
  describe(`enabling a flow again on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    let api: TestApi;
    let scheduler: Scheduler;
    let sourceId: string;
    let datasetId: string;

    before(async () => {
      api = await startTestApi(backend);
      fs.mkdirSync(path.join(api.fileRoot, 'in'), { recursive: true });
      const account = await post('/api/v1/connections', {
        name: 'In',
        connectionSpec: { id: 'local-files' },
        auth: { params: { folder: 'in' } },
      });
      const source = await post('/api/v1/sourceConnections', {
        name: 'Files',
        baseConnectionId: account.json().id,
        data: { format: 'delimited' },
        params: { path: '*.csv' },
      });
      sourceId = source.json().id;
      const dataset = await post('/api/v1/datasets', {
        name: 'rows',
        schema: { fields: [{ name: 'id', type: 'string' }] },
      });
      datasetId = dataset.json().id;
      scheduler = new Scheduler({
        db: api.services.store.db,
        clock: api.clock,
        logger: pino({ level: 'silent' }),
        intervalMs: 1000,
      });
    });
    after(async () => api?.close());

    function post(url: string, payload?: unknown) {
      return api.app.inject({ method: 'POST', url, payload: payload as object, headers: auth(api.tokens.adminA) });
    }

    async function scheduledWindows(flowId: string): Promise<string[]> {
      const rows = await api.services.store.db
        .selectFrom('runs')
        .select(['window_start', 'window_end'])
        .where('flow_id', '=', flowId)
        .orderBy('window_start')
        .execute();
      return rows.map(
        (row) =>
          `${new Date(row.window_start).toISOString().slice(11, 16)}-${new Date(row.window_end).toISOString().slice(11, 16)}`,
      );
    }

    async function flowWithCatchup(name: string, catchup: boolean): Promise<string> {
      api.clock.set(START + 1.5 * HOUR);
      const flow = await post('/api/v1/flows', {
        name,
        sourceConnectionIds: [sourceId],
        targetDatasetId: datasetId,
        scheduleParams: { frequency: 'hour', interval: 1, startTime: new Date(START).toISOString(), catchup },
      });
      assert.equal(flow.statusCode, 201, flow.body);
      await scheduler.tick();
      assert.deepEqual(await scheduledWindows(flow.json().id), ['09:00-10:00']);

      await post(`/api/v1/flows/${flow.json().id}/action?op=disable`);
      api.clock.set(START + 5.5 * HOUR);
      await scheduler.tick();
      assert.deepEqual(await scheduledWindows(flow.json().id), ['09:00-10:00']);
      const enabled = await post(`/api/v1/flows/${flow.json().id}/action?op=enable`);
      assert.equal(enabled.json().state, 'enabled');
      return flow.json().id;
    }

    test('catch-up on creates the missed windows', async () => {
      const flowId = await flowWithCatchup('Catching up', true);
      await scheduler.tick();
      assert.deepEqual(await scheduledWindows(flowId), [
        '09:00-10:00',
        '10:00-11:00',
        '11:00-12:00',
        '12:00-13:00',
        '13:00-14:00',
      ]);
    });

    test('catch-up off starts from now', async () => {
      const flowId = await flowWithCatchup('From now', false);
      await scheduler.tick();
      assert.deepEqual(await scheduledWindows(flowId), ['09:00-10:00']);

      api.clock.set(START + 6 * HOUR);
      await scheduler.tick();
      assert.deepEqual(await scheduledWindows(flowId), ['09:00-10:00', '14:00-15:00']);
    });
  });
}
