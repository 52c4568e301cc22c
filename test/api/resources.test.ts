import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { errorCatalogue } from '../../src/domain/errors.ts';
import { metadataBackends, skipBackend } from '../support/backends.ts';
import { auth, startTestApi, type TestApi } from '../support/api.ts';

const SECRET = 'S3cr3t-pa55-for-logs';

for (const backend of metadataBackends) {
  describe(`api resources on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    let api: TestApi;
    let flowId: string;
    let flowEtag: string;

    before(async () => {
      api = await startTestApi(backend);
      fs.mkdirSync(path.join(api.fileRoot, 'exports'), { recursive: true });
      fs.writeFileSync(path.join(api.fileRoot, 'exports', 'orders.csv'), 'order_id;amount\nA1;1,5\n');
    });
    after(async () => api?.close());

    const post = (url: string, payload: unknown, token = api.tokens.adminA, sandbox?: string) =>
      api.app.inject({ method: 'POST', url, payload: payload as object, headers: auth(token, sandbox) });
    const get = (url: string, token = api.tokens.adminA, sandbox?: string) =>
      api.app.inject({ method: 'GET', url, headers: auth(token, sandbox) });

    test('flow created through the source model', async () => {
      const account = await post('/api/v1/connections', {
        name: 'Exports',
        connectionSpec: { id: 'local-files' },
        auth: { params: { folder: 'exports' } },
      });
      assert.equal(account.statusCode, 201, account.body);
      assert.match(account.headers.location as string, /^\/api\/v1\/connections\//);

      const source = await post('/api/v1/sourceConnections', {
        name: 'Orders CSV',
        baseConnectionId: account.json().id,
        data: { format: 'delimited', properties: { columnDelimiter: ';', header: true } },
        params: { path: '*.csv', recursive: false },
      });
      assert.equal(source.statusCode, 201, source.body);

      const dataset = await post('/api/v1/datasets', {
        name: 'orders',
        schema: {
          fields: [
            { name: 'orderId', type: 'string', required: true },
            { name: 'amount', type: 'number' },
          ],
        },
        primaryKey: ['orderId'],
      });
      assert.equal(dataset.statusCode, 201, dataset.body);
      assert.deepEqual(dataset.json().stats, { rowCount: 0, batchCount: 0 });

      const flow = await post('/api/v1/flows', {
        name: 'Orders hourly',
        sourceConnectionIds: [source.json().id],
        targetDatasetId: dataset.json().id,
        transformations: {
          mapping: [
            { source: 'order_id', destination: 'orderId' },
            { source: 'amount', destination: 'amount', decimalSeparator: ',' },
          ],
        },
        scheduleParams: {
          frequency: 'hour',
          interval: 1,
          startTime: '2026-12-04T09:00:00Z',
          timezone: 'Europe/Paris',
          backfill: true,
        },
        options: { errorThresholdPercent: 5 },
      });
      assert.equal(flow.statusCode, 201, flow.body);
      assert.equal(flow.json().state, 'enabled');
      assert.equal(flow.json().scheduleParams.timezone, 'Europe/Paris');
      flowId = flow.json().id;
      flowEtag = flow.json().etag;
    });

    test('other organization gets 404 for a flow', async () => {
      const read = await get(`/api/v1/flows/${flowId}`, api.tokens.adminB);
      assert.equal(read.statusCode, 404);
      assert.equal(read.json().code, 'NOT_FOUND');
      assert.match(read.headers['content-type'] as string, /^application\/problem\+json/);

      const patch = await api.app.inject({
        method: 'PATCH',
        url: `/api/v1/flows/${flowId}`,
        headers: { ...auth(api.tokens.adminB), 'if-match': flowEtag },
        payload: { name: 'stolen' },
      });
      assert.equal(patch.statusCode, 404);
      const remove = await api.app.inject({
        method: 'DELETE',
        url: `/api/v1/flows/${flowId}`,
        headers: auth(api.tokens.adminB),
      });
      assert.equal(remove.statusCode, 404);
      assert.equal((await get(`/api/v1/flows/${flowId}`)).statusCode, 200);
    });

    test('dev sandbox does not list prod connections', async () => {
      const prod = await get('/api/v1/connections', api.tokens.adminA, 'prod');
      assert.ok(prod.json().items.length >= 1);
      const dev = await get('/api/v1/connections', api.tokens.adminA, 'dev');
      assert.equal(dev.statusCode, 200);
      assert.deepEqual(dev.json().items, []);
      const unknown = await get('/api/v1/connections', api.tokens.adminA, 'staging');
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().code, 'SANDBOX_NOT_FOUND');
    });

    test('viewer reads but gets 403 on POST', async () => {
      const list = await get('/api/v1/flows', api.tokens.viewerA);
      assert.equal(list.statusCode, 200);
      const create = await post(
        '/api/v1/connections',
        { name: 'x', connectionSpec: { id: 'local-files' }, auth: { params: { folder: 'exports' } } },
        api.tokens.viewerA,
      );
      assert.equal(create.statusCode, 403);
      assert.equal(create.json().code, 'FORBIDDEN');
    });

    test('missing token is 401', async () => {
      const response = await api.app.inject({ method: 'GET', url: '/api/v1/flows' });
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().code, 'UNAUTHENTICATED');
    });

    test('PATCH flow needs a current If-Match', async () => {
      const url = `/api/v1/flows/${flowId}`;
      const missing = await api.app.inject({
        method: 'PATCH',
        url,
        headers: auth(api.tokens.adminA),
        payload: { name: 'Renamed' },
      });
      assert.equal(missing.statusCode, 428);
      assert.equal(missing.json().code, 'PRECONDITION_REQUIRED');

      const stale = await api.app.inject({
        method: 'PATCH',
        url,
        headers: { ...auth(api.tokens.adminA), 'if-match': '"stale"' },
        payload: { name: 'Renamed' },
      });
      assert.equal(stale.statusCode, 412);
      assert.equal(stale.json().code, 'PRECONDITION_FAILED');

      const ok = await api.app.inject({
        method: 'PATCH',
        url,
        headers: { ...auth(api.tokens.adminA), 'if-match': `"${flowEtag}"` },
        payload: { name: 'Renamed' },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().name, 'Renamed');
      assert.notEqual(ok.json().etag, flowEtag);
      assert.equal(ok.json().scheduleParams.frequency, 'hour');
    });

    test('disable and enable a flow', async () => {
      const disabled = await post(`/api/v1/flows/${flowId}/action?op=disable`, undefined);
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.equal(disabled.json().state, 'disabled');
      const filtered = await get('/api/v1/flows?property=state==disabled');
      assert.deepEqual(
        filtered.json().items.map((f: { id: string }) => f.id),
        [flowId],
      );
      const enabled = await post(`/api/v1/flows/${flowId}/action?op=enable`, undefined);
      assert.equal(enabled.json().state, 'enabled');
      const bad = await post(`/api/v1/flows/${flowId}/action?op=pause`, undefined);
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().code, 'INVALID_OPERATION');
    });

    test('password never returned nor logged', async () => {
      const created = await post('/api/v1/connections', {
        name: 'CRM',
        connectionSpec: { id: 'postgres' },
        auth: { params: { host: '127.0.0.1', port: 5432, database: 'crm', user: 'etl', password: SECRET } },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.ok(!created.body.includes(SECRET));
      assert.deepEqual(created.json().auth.secretParamsSet, ['password']);

      const read = await get(`/api/v1/connections/${created.json().id}`);
      assert.ok(!read.body.includes(SECRET));
      const list = await get('/api/v1/connections');
      assert.ok(!list.body.includes(SECRET));

      const patched = await api.app.inject({
        method: 'PATCH',
        url: `/api/v1/connections/${created.json().id}`,
        headers: { ...auth(api.tokens.adminA), 'if-match': `"${read.json().etag}"` },
        payload: { auth: { params: { database: 'crm2' } } },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().auth.params.database, 'crm2');
      assert.deepEqual(patched.json().auth.secretParamsSet, ['password']);

      const stored = await api.services.store.db
        .selectFrom('connections')
        .select('secrets')
        .where('id', '=', created.json().id)
        .executeTakeFirstOrThrow();
      assert.ok(stored.secrets, 'the secret envelope is stored');
      assert.ok(!stored.secrets.includes(SECRET));
      assert.ok(api.logLines.length > 0);
      assert.ok(!api.logLines.some((line) => line.includes(SECRET)));
    });

    test('account folder outside the roots rejected', async () => {
      for (const folder of ['/etc', '../..']) {
        const response = await post('/api/v1/connections', {
          name: 'Outside',
          connectionSpec: { id: 'local-files' },
          auth: { params: { folder } },
        });
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(response.json().code, 'PATH_OUTSIDE_ROOTS');
      }
      const later = await post('/api/v1/connections', {
        name: 'Created later',
        connectionSpec: { id: 'local-files' },
        auth: { params: { folder: 'not-yet' } },
      });
      assert.equal(later.statusCode, 201, later.body);
    });

    test('invalid body is problem+json with paths', async () => {
      const response = await post('/api/v1/connections', {
        name: 'x',
        connectionSpec: { id: 'postgres' },
        auth: { params: { host: '127.0.0.1' } },
      });
      assert.equal(response.statusCode, 400);
      assert.match(response.headers['content-type'] as string, /^application\/problem\+json/);
      const problem = response.json();
      assert.equal(problem.code, 'INVALID_CONNECTION_PARAMS');
      assert.ok(problem.errors.some((e: { path: string }) => e.path === 'auth.params.database'));

      const unknownSpec = await post('/api/v1/connections', {
        name: 'x',
        connectionSpec: { id: 'ftp' },
        auth: { params: {} },
      });
      assert.equal(unknownSpec.json().code, 'UNKNOWN_CONNECTION_SPEC');
      assert.match(unknownSpec.json().detail, /local-files/);
    });

    test('lists page with continuation tokens and count', async () => {
      for (const name of ['P1', 'P2', 'P3']) {
        api.clock.advance(1000);
        await post(
          '/api/v1/connections',
          { name, connectionSpec: { id: 'local-files' }, auth: { params: { folder: 'exports' } } },
          api.tokens.adminA,
          'dev',
        );
      }
      const first = await get('/api/v1/connections?limit=2', api.tokens.adminA, 'dev');
      assert.deepEqual(
        first.json().items.map((c: { name: string }) => c.name),
        ['P3', 'P2'],
      );
      const next = first.json()._links.next.href as string;
      const second = await get(next, api.tokens.adminA, 'dev');
      assert.deepEqual(
        second.json().items.map((c: { name: string }) => c.name),
        ['P1'],
      );
      assert.equal(second.json()._links.next, undefined);

      const count = await get('/api/v1/connections?count=true', api.tokens.adminA, 'dev');
      assert.deepEqual(count.json(), { count: 3 });
      const badLimit = await get('/api/v1/connections?limit=501', api.tokens.adminA, 'dev');
      assert.equal(badLimit.json().code, 'INVALID_LIMIT');
      const badFilter = await get('/api/v1/connections?property=password==x', api.tokens.adminA, 'dev');
      assert.equal(badFilter.json().code, 'INVALID_FILTER');
    });

    test('openapi document lists the resources', async () => {
      const response = await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      assert.equal(response.statusCode, 200);
      const document = response.json();
      assert.equal(document.openapi, '3.1.0');
      for (const route of [
        '/api/v1/connections',
        '/api/v1/sourceConnections',
        '/api/v1/datasets',
        '/api/v1/flows',
        '/api/v1/sandboxes',
      ]) {
        assert.ok(document.paths[route], `missing ${route}`);
      }
      const problem = document.components.schemas.Problem;
      assert.deepEqual(problem.properties.code.enum, Object.keys(errorCatalogue));
      assert.equal(problem['x-status-by-code'].FLOW_DISABLED, errorCatalogue.FLOW_DISABLED.status);
    });

    test('health, readiness and metrics answer', async () => {
      assert.equal((await api.app.inject({ url: '/healthz' })).statusCode, 200);
      assert.equal((await api.app.inject({ url: '/readyz' })).statusCode, 200);
      const metrics = await api.app.inject({ url: '/metrics' });
      assert.equal(metrics.statusCode, 200);
    });
  });
}
