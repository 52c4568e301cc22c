import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.ts';
import { publishRunEvent } from '../../src/webhooks/events.ts';
import { verifySignature } from '../../src/webhooks/signature.ts';
import { metadataBackends, skipBackend } from '../support/backends.ts';
import { auth, startTestApi, type TestApi } from '../support/api.ts';

const SECRET = 'webhook-secret-0123456789';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

for (const backend of metadataBackends) {
  describe(`webhooks on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    let api: TestApi;
    let receiver: http.Server;
    let receiverUrl: string;
    const received: Received[] = [];
    let failNext = 0;

    before(async () => {
      api = await startTestApi(backend);
      receiver = http.createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          received.push({ headers: request.headers, body });
          response.statusCode = failNext > 0 ? 500 : 204;
          failNext = Math.max(0, failNext - 1);
          response.end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    });
    after(async () => {
      await api?.close();
      await new Promise((resolve) => receiver?.close(resolve));
    });

    const dispatcher = () =>
      new WebhookDispatcher({
        store: api.services.store,
        secretBox: api.services.secretBox,
        clock: api.clock,
        logger: api.services.logger,
        maxAttempts: 2,
        baseRetryDelayMs: 1000,
      });

    test('signed delivery of a subscribed event', async () => {
      const created = await api.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: auth(api.tokens.adminA),
        payload: { url: receiverUrl, events: ['run.succeeded', 'run.failed'], secret: SECRET },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.ok(!created.body.includes(SECRET));

      const scope = { orgId: 'org-a', sandbox: 'prod' };
      assert.equal(
        await publishRunEvent(api.services.store, scope, 'run.started', { id: 'run-0' }, api.clock.now()),
        0,
      );
      assert.equal(
        await publishRunEvent(
          api.services.store,
          { orgId: 'org-a', sandbox: 'dev' },
          'run.succeeded',
          { id: 'run-x' },
          api.clock.now(),
        ),
        0,
      );
      assert.equal(
        await publishRunEvent(api.services.store, scope, 'run.succeeded', { id: 'run-1' }, api.clock.now()),
        1,
      );

      assert.equal(await dispatcher().deliverDue(), 1);
      assert.equal(received.length, 1);
      const delivery = received[0]!;
      assert.equal(delivery.headers['webhook-event'], 'run.succeeded');
      const timestamp = Number(delivery.headers['webhook-timestamp']);
      assert.ok(verifySignature(SECRET, timestamp, delivery.body, String(delivery.headers['webhook-signature'])));
      assert.equal(JSON.parse(delivery.body).run.id, 'run-1');

      const deliveries = await api.app.inject({
        method: 'GET',
        url: `/api/v1/webhooks/${created.json().id}/deliveries`,
        headers: auth(api.tokens.adminA),
      });
      assert.equal(deliveries.json().items[0].status, 'delivered');
      assert.equal(deliveries.json().items[0].attempts, 1);
    });

    test('failed delivery retried then marked failed', async () => {
      received.length = 0;
      failNext = 5;
      const scope = { orgId: 'org-a', sandbox: 'prod' };
      await publishRunEvent(api.services.store, scope, 'run.failed', { id: 'run-2' }, api.clock.now());

      const sender = dispatcher();
      assert.equal(await sender.deliverDue(), 1);
      const pending = await api.services.store.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('run_id', '=', 'run-2')
        .executeTakeFirstOrThrow();
      assert.equal(pending.status, 'pending');
      assert.equal(pending.attempts, 1);
      assert.equal(pending.last_error, 'HTTP 500');

      api.clock.advance(60_000);
      assert.equal(await sender.deliverDue(), 1);
      const failed = await api.services.store.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('run_id', '=', 'run-2')
        .executeTakeFirstOrThrow();
      assert.equal(failed.status, 'failed');
      assert.equal(failed.attempts, 2);
      assert.equal(received.length, 2);
    });

    test('other organization cannot read a webhook', async () => {
      const list = await api.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: auth(api.tokens.adminB) });
      assert.deepEqual(list.json().items, []);
    });
  });
}
