import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exitCodes } from '../../src/cli/exit-codes.ts';
import { auth, startTestApi, type TestApi } from '../support/api.ts';
import { metadataBackends } from '../support/backends.ts';
import { runCli } from './run-cli.ts';

// The flows and datasets commands against the real API app on SQLite, listening on a loopback port.

describe('cli flows and datasets', () => {
  let api: TestApi;
  let env: NodeJS.ProcessEnv;
  let flowId: string;
  let datasetId: string;

  const post = async (url: string, payload: object): Promise<string> => {
    const response = await api.app.inject({ method: 'POST', url, payload, headers: auth(api.tokens.adminA) });
    assert.equal(response.statusCode, 201, response.body);
    return (response.json() as { id: string }).id;
  };

  before(async () => {
    api = await startTestApi(metadataBackends[0]!);
    const url = await api.app.listen({ port: 0, host: '127.0.0.1' });
    env = { LANG: 'en_US.UTF-8', TRIBUTARY_URL: url, TRIBUTARY_TOKEN: api.tokens.adminA };

    fs.mkdirSync(path.join(api.fileRoot, 'exports'));
    const accountId = await post('/api/v1/connections', {
      name: 'Exports',
      connectionSpec: { id: 'local-files' },
      auth: { params: { folder: 'exports' } },
    });
    const sourceId = await post('/api/v1/sourceConnections', {
      name: 'Orders CSV',
      baseConnectionId: accountId,
      data: { format: 'delimited', properties: { columnDelimiter: ';', header: true } },
      params: { path: '*.csv' },
    });
    datasetId = await post('/api/v1/datasets', {
      name: 'orders',
      schema: { fields: [{ name: 'orderId', type: 'string', required: true }] },
    });
    flowId = await post('/api/v1/flows', {
      name: 'Orders hourly',
      sourceConnectionIds: [sourceId],
      targetDatasetId: datasetId,
      transformations: { mapping: [{ source: 'order_id', destination: 'orderId' }] },
      scheduleParams: {
        frequency: 'hour',
        interval: 1,
        startTime: '2026-12-04T09:00:00Z',
        timezone: 'Europe/Paris',
        backfill: true,
      },
    });
  });

  after(() => api.close());

  it('lists flows as a table', async () => {
    const result = await runCli(['flows', 'list'], env);
    assert.equal(result.code, exitCodes.ok, result.stderr);
    assert.match(result.stdout, /^ID\s+NAME\s+STATE\s+SCHEDULE\s+DATASET\n/);
    assert.match(result.stdout, new RegExp(`${flowId}\\s+Orders hourly\\s+enabled\\s+hour · backfill · Europe/Paris`));
  });

  it('lists flows as JSON and ids', async () => {
    const json = await runCli(['flows', 'list', '--json'], env);
    const flows = JSON.parse(json.stdout) as { id: string; name: string }[];
    assert.deepEqual(
      flows.map((flow) => flow.name),
      ['Orders hourly'],
    );
    const quiet = await runCli(['flows', 'list', '--quiet'], env);
    assert.equal(quiet.stdout, `${flowId}\n`);
  });

  it('shows one flow', async () => {
    const result = await runCli(['flows', 'get', flowId], env);
    assert.equal(result.code, exitCodes.ok, result.stderr);
    assert.match(result.stdout, /Time zone\s+Europe\/Paris/);
    assert.match(result.stdout, /Error threshold\s+5 %/);
  });

  it('disables and enables a flow', async () => {
    const disabled = await runCli(['flows', 'disable', flowId], env);
    assert.equal(disabled.code, exitCodes.ok, disabled.stderr);
    assert.equal(disabled.stdout, `Dataflow ${flowId} is disabled.\n`);
    const state = async () =>
      (
        (await api.app.inject({ url: `/api/v1/flows/${flowId}`, headers: auth(api.tokens.adminA) })).json() as {
          state: string;
        }
      ).state;
    assert.equal(await state(), 'disabled');

    const enabled = await runCli(['flows', 'enable', flowId, '--json'], env);
    assert.equal(enabled.code, exitCodes.ok, enabled.stderr);
    assert.equal(await state(), 'enabled');
  });

  it('translates an API error by its code', async () => {
    const english = await runCli(['flows', 'get', 'no-such-flow'], env);
    assert.equal(english.code, exitCodes.apiError);
    assert.match(
      english.stderr,
      /^Error: The resource does not exist in this organization and sandbox\. \[NOT_FOUND\]\n/,
    );
    assert.match(english.stderr, /Detail\s+.*no-such-flow/);

    const french = await runCli(['flows', 'get', 'no-such-flow'], { ...env, LANG: 'fr_FR.UTF-8' });
    assert.equal(french.code, exitCodes.apiError);
    assert.match(
      french.stderr,
      /^Erreur\u00a0: La ressource n’existe pas dans cette organisation et cette sandbox\. \[NOT_FOUND\]/,
    );
  });

  it('prints the problem document with --json', async () => {
    const result = await runCli(['flows', 'get', 'no-such-flow', '--json'], env);
    assert.equal(result.code, exitCodes.apiError);
    assert.equal((JSON.parse(result.stderr) as { code: string }).code, 'NOT_FOUND');
  });

  it('exits 5 on a rejected token', async () => {
    const result = await runCli(['flows', 'list'], { ...env, TRIBUTARY_TOKEN: 'not-a-token' });
    assert.equal(result.code, exitCodes.authenticationFailed);
    assert.match(result.stderr, /\[UNAUTHENTICATED\]/);
  });

  it('exits 1 on an unknown sandbox', async () => {
    const result = await runCli(['flows', 'list', '--sandbox', 'nowhere'], env);
    assert.equal(result.code, exitCodes.apiError);
    assert.match(result.stderr, /\[SANDBOX_NOT_FOUND\]/);
  });

  it('lists datasets with their stats', async () => {
    const result = await runCli(['datasets', 'list'], env);
    assert.equal(result.code, exitCodes.ok, result.stderr);
    assert.match(result.stdout, new RegExp(`${datasetId}\\s+orders\\s+1\\s+0\\s+0`));
  });

  it('exports a dataset to a file', async () => {
    const output = path.join(api.fileRoot, 'orders.csv');
    const result = await runCli(['datasets', 'export', datasetId, '--format', 'csv', '--output', output], env);
    assert.equal(result.code, exitCodes.ok, result.stderr);
    assert.match(fs.readFileSync(output, 'utf8'), /^orderId\r?\n/);
  });
});
