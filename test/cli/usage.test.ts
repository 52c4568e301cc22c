import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { describe, it } from 'node:test';
import { timeArgument } from '../../src/cli/arguments.ts';
import { exitCodes } from '../../src/cli/exit-codes.ts';
import { createTranslator } from '../../src/cli/i18n/index.ts';
import { ManualClock } from '../../src/domain/time.ts';
import { makeTempDir } from '../support/backends.ts';
import { runCli } from './run-cli.ts';

// Exit codes and messages that need no server: wrong command lines, an unreachable server, no token.

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const env = { LANG: 'en_US.UTF-8', TRIBUTARY_TOKEN: 'unused' };

describe('cli usage', () => {
  it('exits 2 on a missing required option', async () => {
    const result = await runCli(['runs', 'create', '--flow', 'f1'], env);
    assert.equal(result.code, exitCodes.usage);
    assert.match(result.stderr, /--start/);
  });

  it('exits 2 on an unknown subcommand', async () => {
    const result = await runCli(['runs', 'frobnicate'], env);
    assert.equal(result.code, exitCodes.usage);
    assert.match(result.stderr, /unknown command/);
  });

  it('exits 2 on an invalid status', async () => {
    const result = await runCli(['runs', 'list', '--status', 'done'], env);
    assert.equal(result.code, exitCodes.usage);
    assert.match(result.stderr, /--status done is invalid/);
  });

  it('exits 2 on an invalid time, in French', async () => {
    const result = await runCli(
      ['runs', 'create', '--flow', 'f1', '--start', 'tomorrow', '--window-start', 'now-2h', '--window-end', 'now-1h'],
      { ...env, LANG: 'fr_FR.UTF-8' },
    );
    assert.equal(result.code, exitCodes.usage);
    assert.match(result.stderr, /--start tomorrow n’est pas une heure/);
  });

  it('exits 2 on an invalid export format', async () => {
    const result = await runCli(['datasets', 'export', 'd1', '--format', 'xlsx'], env);
    assert.equal(result.code, exitCodes.usage);
    assert.match(result.stderr, /--format xlsx is invalid; use one of csv, ndjson/);
  });

  it('exits 0 on help', async () => {
    const result = await runCli(['runs', 'watch', '--help'], env);
    assert.equal(result.code, exitCodes.ok);
    assert.match(result.stdout, /--interval-ms/);
  });

  it('exits 4 when the server is unreachable', async () => {
    const port = await closedPort();
    const result = await runCli(['flows', 'list', '--server', `http://127.0.0.1:${port}`], env);
    assert.equal(result.code, exitCodes.connectionFailed);
    assert.match(result.stderr, /Cannot reach the server at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });

  it('exits 5 without a token', async () => {
    const port = await closedPort();
    const result = await runCli(['flows', 'list'], {
      LANG: 'en_US.UTF-8',
      TRIBUTARY_URL: `http://127.0.0.1:${port}`,
      TRIBUTARY_DATA_DIR: makeTempDir(),
    });
    assert.equal(result.code, exitCodes.authenticationFailed);
    assert.match(result.stderr, /No API token/);
  });

  it('reads the token file of a local server', async () => {
    const port = await closedPort();
    const dataDir = makeTempDir();
    fs.writeFileSync(`${dataDir}/admin-token`, 'local-token\n');
    const result = await runCli(['flows', 'list'], {
      LANG: 'en_US.UTF-8',
      TRIBUTARY_URL: `http://127.0.0.1:${port}`,
      TRIBUTARY_DATA_DIR: dataDir,
    });
    // With a token the request is sent, so the failure is the closed port, not the missing token.
    assert.equal(result.code, exitCodes.connectionFailed);
  });

  it('resolves now-relative times against the clock', async () => {
    const clock = new ManualClock(Date.parse('2026-12-04T10:30:15.250Z'));
    const t = createTranslator('en');
    assert.equal(timeArgument('now', '--start', clock.now(), t), '2026-12-04T10:30:15Z');
    assert.equal(timeArgument('now-2h', '--start', clock.now(), t), '2026-12-04T08:30:15Z');
    assert.equal(timeArgument('now+30m', '--start', clock.now(), t), '2026-12-04T11:00:15Z');
    assert.equal(timeArgument('1764838800', '--start', clock.now(), t), '1764838800');
    assert.equal(timeArgument('2026-12-04T09:00:00+01:00', '--start', clock.now(), t), '2026-12-04T09:00:00+01:00');
  });
});
