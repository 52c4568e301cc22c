import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exitCodes } from '../../src/cli/exit-codes.ts';
import { ManualClock } from '../../src/domain/time.ts';
import { makeTempDir } from '../support/backends.ts';
import { startServerProcess, type ServerProcess } from '../support/process.ts';
import { runCli } from './run-cli.ts';

// The runs and backfill commands against a real `tributary serve` (API, scheduler and workers) on a
// temp data folder, with one CSV file modified two hours ago.

describe('cli runs', () => {
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  let flowId: string;
  let token: string;

  const api = async <T>(method: string, pathname: string, body?: unknown): Promise<T> => {
    const response = await fetch(new URL(pathname, server.url), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return (await response.json()) as T;
  };

  before(async () => {
    const home = makeTempDir('tributary-cli-runs-');
    const fileRoot = path.join(home, 'files');
    fs.mkdirSync(path.join(fileRoot, 'orders'), { recursive: true });
    token = 'cli-runs-test-token';
    server = await startServerProcess({
      TRIBUTARY_DATA_DIR: path.join(home, 'data'),
      TRIBUTARY_FILE_ROOTS: fileRoot,
      TRIBUTARY_ADMIN_TOKEN: token,
    });
    env = { LANG: 'en_US.UTF-8', TRIBUTARY_URL: server.url, TRIBUTARY_TOKEN: token };

    const file = path.join(fileRoot, 'orders', 'orders.csv');
    const rows = ['order_id;amount', ...Array.from({ length: 30 }, (_, index) => `A${index};${index},50`), 'A99;lots'];
    fs.writeFileSync(file, `${rows.join('\n')}\n`);
    const modified = (Date.now() - 2 * 3_600_000) / 1000;
    fs.utimesSync(file, modified, modified);

    const account = await api<{ id: string }>('POST', '/api/v1/connections', {
      name: 'Orders',
      connectionSpec: { id: 'local-files' },
      auth: { params: { folder: 'orders' } },
    });
    const source = await api<{ id: string }>('POST', '/api/v1/sourceConnections', {
      name: 'Orders CSV',
      baseConnectionId: account.id,
      data: { format: 'delimited', properties: { columnDelimiter: ';', header: true } },
      params: { path: '*.csv' },
    });
    const dataset = await api<{ id: string }>('POST', '/api/v1/datasets', {
      name: 'orders',
      schema: {
        fields: [
          { name: 'orderId', type: 'string', required: true },
          { name: 'amount', type: 'number' },
        ],
      },
    });
    const startTime = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000).toISOString();
    const flow = await api<{ id: string }>('POST', '/api/v1/flows', {
      name: 'Orders',
      sourceConnectionIds: [source.id],
      targetDatasetId: dataset.id,
      transformations: {
        mapping: [
          { source: 'order_id', destination: 'orderId' },
          { source: 'amount', destination: 'amount', decimalSeparator: ',' },
        ],
      },
      scheduleParams: { frequency: 'hour', interval: 1, startTime, backfill: false },
    });
    flowId = flow.id;
  });

  after(() => server?.stop());

  it('creates a run and watches it to success', async () => {
    const created = await runCli(
      [
        'runs',
        'create',
        '--flow',
        flowId,
        '--start',
        'now',
        '--window-start',
        'now-3h',
        '--window-end',
        'now-1h',
        '-q',
      ],
      env,
    );
    assert.equal(created.code, exitCodes.ok, created.stderr);
    const runId = created.stdout.trim();

    const watched = await runCli(['runs', 'watch', runId, '--interval-ms', '100'], env);
    assert.equal(watched.code, exitCodes.ok, watched.stderr);
    assert.match(watched.stdout, /ended: success\. 31 received, 30 ingested, 1 failed/);

    const errors = await runCli(['runs', 'errors', runId], env);
    assert.equal(errors.code, exitCodes.ok, errors.stderr);
    assert.match(errors.stdout, /orders\.csv\s+\d+\s+amount\s+INVALID_NUMBER\s+lots/);

    const csv = await runCli(['runs', 'errors', runId, '--csv'], env);
    assert.match(csv.stdout, /lots/);
  });

  it('draws a progress bar on a terminal', async () => {
    const created = await runCli(
      [
        'runs',
        'create',
        '--flow',
        flowId,
        '--start',
        'now',
        '--window-start',
        'now-3h',
        '--window-end',
        'now-1h',
        '-q',
      ],
      env,
    );
    const watched = await runCli(['runs', 'watch', created.stdout.trim(), '--interval-ms', '100'], env, {
      terminal: true,
    });
    assert.equal(watched.code, exitCodes.ok, watched.stderr);
    assert.ok(watched.stderr.includes('\r\x1b[2K'), 'the line is redrawn in place');
    assert.match(watched.stderr, /\[█{30}\] 100 % {2}success · 31 records/);
  });

  it('warns about an overlapping window', async () => {
    const result = await runCli(
      ['runs', 'create', '--flow', flowId, '--start', 'now', '--window-start', 'now-4h', '--window-end', 'now-2h'],
      env,
    );
    assert.equal(result.code, exitCodes.ok, result.stderr);
    assert.match(result.stdout, /^Run \S+ created: window .+ → .+, due at .+\.\n$/);
    assert.match(result.stderr, /Warning: the window overlaps run \S+/);
  });

  it('returns the first run for a repeated idempotency key', async () => {
    const args = [
      'runs',
      'create',
      '--flow',
      flowId,
      '--start',
      'now',
      '--window-start',
      'now-9h',
      '--window-end',
      'now-8h',
    ];
    // One clock for both commands, so that `now` is the same instant and the two requests are equal.
    const clock = new ManualClock(Date.now());
    const first = await runCli([...args, '--idempotency-key', 'nightly-1', '--json'], env, { clock });
    const second = await runCli([...args, '--idempotency-key', 'nightly-1', '--json'], env, { clock });
    assert.equal(first.code, exitCodes.ok, first.stderr);
    assert.equal((JSON.parse(second.stdout) as { id: string }).id, (JSON.parse(first.stdout) as { id: string }).id);
  });

  it('retries a run, which supersedes the original', async () => {
    const [latest] = JSON.parse(
      (await runCli(['runs', 'list', '--flow', flowId, '--status', 'success', '--limit', '1', '--json'], env)).stdout,
    ) as { id: string }[];
    const retried = await runCli(['runs', 'retry', latest!.id, '--watch', '--interval-ms', '100'], env);
    assert.equal(retried.code, exitCodes.ok, retried.stderr);
    assert.match(retried.stderr, new RegExp(`created to retry run ${latest!.id}`));

    const original = await runCli(['runs', 'get', latest!.id, '--json'], env);
    assert.equal((JSON.parse(original.stdout) as { superseded: boolean }).superseded, true);
  });

  it('cancels a run and exits 3 when watching it', async () => {
    const created = await runCli(
      [
        'runs',
        'create',
        '--flow',
        flowId,
        '--start',
        'now+1d',
        '--window-start',
        'now-7h',
        '--window-end',
        'now-6h',
        '-q',
      ],
      env,
    );
    const runId = created.stdout.trim();
    const cancelled = await runCli(['runs', 'cancel', runId], env);
    assert.equal(cancelled.code, exitCodes.ok, cancelled.stderr);
    assert.equal(cancelled.stdout, `Run ${runId} is cancelled.\n`);

    const watched = await runCli(['runs', 'watch', runId], env);
    assert.equal(watched.code, exitCodes.runFailed);
    assert.match(watched.stdout, /ended: cancelled/);

    const again = await runCli(['runs', 'cancel', runId], env);
    assert.equal(again.code, exitCodes.apiError);
    assert.match(again.stderr, /\[RUN_NOT_CANCELLABLE\]/);
  });

  it('translates rejected windows in French', async () => {
    const fr = { ...env, LANG: 'fr_FR.UTF-8' };
    const late = await runCli(
      ['runs', 'create', '--flow', flowId, '--start', 'now-2h', '--window-start', 'now-3h', '--window-end', 'now-1h'],
      fr,
    );
    assert.equal(late.code, exitCodes.apiError);
    assert.match(
      late.stderr,
      /La période doit finir au plus tard à l’heure de début de l’ingestion\. \[WINDOW_END_AFTER_START\]/,
    );

    const millis = await runCli(
      [
        'runs',
        'create',
        '--flow',
        flowId,
        '--start',
        '1764838800000',
        '--window-start',
        'now-3h',
        '--window-end',
        'now-2h',
      ],
      fr,
    );
    assert.equal(millis.code, exitCodes.apiError);
    assert.match(millis.stderr, /\[EPOCH_MILLISECONDS\]/);
  });

  it('lists runs with filters', async () => {
    const result = await runCli(['runs', 'list', '--flow', flowId, '--status', 'cancelled'], env);
    assert.equal(result.code, exitCodes.ok, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0]!, /^ID\s+FLOW\s+STATUS\s+TRIGGER\s+WINDOW START/);
    assert.match(lines[1]!, /^\S+\s+Orders\s+/);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /cancelled\s+on demand/);
  });

  it('pages through runs', async () => {
    const total = (await api<{ count: number }>('GET', `/api/v1/runs?property=flowId==${flowId}&count=true`)).count;
    assert.ok(total >= 3, `the flow has ${total} runs`);

    const page = await runCli(['runs', 'list', '--flow', flowId, '--limit', '1', '--quiet'], env);
    assert.equal(page.stdout.trim().split('\n').length, 1);
    assert.match(page.stderr, /More items exist/);

    const all = await runCli(['runs', 'list', '--flow', flowId, '--limit', '1', '--all', '--json'], env);
    const ids = (JSON.parse(all.stdout) as { id: string }[]).map((run) => run.id);
    assert.equal(ids.length, total);
    assert.equal(new Set(ids).size, total);
  });

  it('previews a backfill without creating runs', async () => {
    const before = (await api<{ count: number }>('GET', `/api/v1/runs?property=flowId==${flowId}&count=true`)).count;
    const result = await runCli(
      ['backfill', '--flow', flowId, '--window-start', 'now-5h', '--window-end', 'now-1h', '--dry-run'],
      env,
    );
    assert.equal(result.code, exitCodes.ok, result.stderr);
    assert.match(result.stdout, /^WINDOW START\s+WINDOW END\s+ACTION/);
    assert.match(result.stdout, /window\(s\) would get a run; nothing was created/);
    const after = (await api<{ count: number }>('GET', `/api/v1/runs?property=flowId==${flowId}&count=true`)).count;
    assert.equal(after, before);
  });

  it('refuses runs of a disabled flow', async () => {
    assert.equal((await runCli(['flows', 'disable', flowId], env)).code, exitCodes.ok);
    const result = await runCli(
      ['runs', 'create', '--flow', flowId, '--start', 'now', '--window-start', 'now-3h', '--window-end', 'now-2h'],
      env,
    );
    assert.equal(result.code, exitCodes.apiError);
    assert.match(result.stderr, /The dataflow is disabled; enable it first\. \[FLOW_DISABLED\]/);
    assert.equal((await runCli(['flows', 'enable', flowId], env)).code, exitCodes.ok);
  });
});
