import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { registerRunRoutes } from '../../src/api/routes/runs.ts';
import { startEngine, type Engine } from '../../src/engine/start.ts';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.ts';
import { webhookRunEvents } from '../../src/webhooks/run-events.ts';
import { verifySignature } from '../../src/webhooks/signature.ts';
import { metadataBackends, skipBackend } from '../support/backends.ts';
import { auth, startTestApi, type TestApi } from '../support/api.ts';
import { waitFor } from '../support/wait.ts';

const SECRET = 'run-events-secret-0123';
const FILE_TIME = Date.parse('2026-12-04T08:30:00Z');

for (const backend of metadataBackends) {
  describe(`run webhooks on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    let api: TestApi;
    let engine: Engine;
    let receiver: http.Server;
    const received: { event: string; timestamp: number; signature: string; body: string }[] = [];

    before(async () => {
      receiver = http.createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          received.push({
            event: String(request.headers['webhook-event']),
            timestamp: Number(request.headers['webhook-timestamp']),
            signature: String(request.headers['webhook-signature']),
            body,
          });
          response.statusCode = 204;
          response.end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));

      api = await startTestApi(backend, { apiRoutes: [registerRunRoutes] });
      const folder = path.join(api.fileRoot, 'exports');
      fs.mkdirSync(folder, { recursive: true });
      const file = path.join(folder, 'orders.csv');
      fs.writeFileSync(file, 'order_id;amount\nA1;1,5\nA2;2,25\n');
      fs.utimesSync(file, FILE_TIME / 1000, FILE_TIME / 1000);

      engine = await startEngine({
        ...api.services,
        config: { ...api.services.config, heartbeatIntervalMs: 50, pollIntervalMs: 20 },
        events: webhookRunEvents(api.services.store, api.clock),
        scheduler: false,
        workers: 1,
      });
    });
    after(async () => {
      await engine?.stop();
      await api?.close();
      await new Promise((resolve) => receiver?.close(resolve));
    });

    const post = (url: string, payload: unknown) =>
      api.app.inject({ method: 'POST', url, payload: payload as object, headers: auth(api.tokens.adminA) });

    test('run start and success are delivered signed', async () => {
      const hook = await post('/api/v1/webhooks', {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`,
        events: ['run.started', 'run.succeeded', 'run.failed'],
        secret: SECRET,
      });
      assert.equal(hook.statusCode, 201, hook.body);

      const account = await post('/api/v1/connections', {
        name: 'Exports',
        connectionSpec: { id: 'local-files' },
        auth: { params: { folder: 'exports' } },
      });
      const source = await post('/api/v1/sourceConnections', {
        name: 'Orders CSV',
        baseConnectionId: account.json().id,
        data: { format: 'delimited', properties: { columnDelimiter: ';', header: true } },
        params: { path: '*.csv' },
      });
      const dataset = await post('/api/v1/datasets', {
        name: 'orders',
        schema: {
          fields: [
            { name: 'order_id', type: 'string', required: true },
            { name: 'amount', type: 'string' },
          ],
        },
      });
      const flow = await post('/api/v1/flows', {
        name: 'Orders',
        sourceConnectionIds: [source.json().id],
        targetDatasetId: dataset.json().id,
        scheduleParams: { frequency: 'day', interval: 1, startTime: '2026-12-05T00:00:00Z' },
      });
      assert.equal(flow.statusCode, 201, flow.body);

      const run = await post('/api/v1/runs', {
        flowId: flow.json().id,
        params: {
          startTime: '2026-12-04T09:00:00Z',
          windowStartTime: '2026-12-04T08:00:00Z',
          windowEndTime: '2026-12-04T09:00:00Z',
        },
      });
      assert.equal(run.statusCode, 201, run.body);

      const dispatcher = new WebhookDispatcher({ ...api.services, clock: api.clock });
      await waitFor(
        async () => {
          await dispatcher.deliverDue();
          return received.some((delivery) => delivery.event === 'run.succeeded');
        },
        { message: 'the run.succeeded delivery' },
      );

      // Both events may be queued before the first dispatch, at one instant of the test clock.
      assert.deepEqual(received.map((delivery) => delivery.event).sort(), ['run.started', 'run.succeeded']);
      for (const delivery of received) {
        assert.ok(verifySignature(SECRET, delivery.timestamp, delivery.body, delivery.signature));
      }
      const succeeded = JSON.parse(received.find((delivery) => delivery.event === 'run.succeeded')!.body);
      assert.equal(succeeded.run.id, run.json().id);
      assert.equal(succeeded.run.status, 'success');
      assert.equal(succeeded.run.metrics.recordSummary.outputRecordCount, 2);
    });
  });
}
