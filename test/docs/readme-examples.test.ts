import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir } from '../support/backends.ts';
import { cliPath, startServerProcess, type ServerProcess } from '../support/process.ts';
import { assignedVariables, docTestBlocks, type DocBlock } from './doc-blocks.ts';

// Runs the README's `# doc-test` examples, as written, against a real server: a user's shell in a
// folder holding the server's `data/`, where `npx tributary` runs the CLI. Only the address changes,
// because the server listens on a free port instead of 8080. Variables the blocks set carry on to
// the next block, as in one terminal session.

interface BlockResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What each README example must print; a block without an entry fails the test. */
const expectations: Record<string, (result: BlockResult, context: { flowId: string }) => void> = {
  token: (result) => assert.match(result.stdout, /Communes \(doc-test\)/),
  'pick-flow': (result, { flowId }) => assert.equal(result.stdout.trim(), flowId),
  'run-curl': (result, { flowId }) => {
    const run = JSON.parse(result.stdout) as { status: string; flowId: string; params: { windowStartTime: string } };
    assert.equal(run.status, 'scheduled');
    assert.equal(run.flowId, flowId);
    assert.match(run.params.windowStartTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  },
  'run-cli': (result) => assert.match(result.stdout, /ended: success/),
  'runs-and-errors': (result) => {
    assert.match(result.stdout, /INVALID_INTEGER/);
    assert.match(result.stdout, /beaucoup/);
  },
  'retry-and-backfill': (result) => {
    assert.match(result.stdout, /"items"/);
    assert.match(result.stdout, /ended: success/);
    assert.match(result.stdout, /would get a run; nothing was created/);
  },
  export: (result) => {
    assert.match(result.stdout, /codeInsee/);
    assert.match(result.stdout, /01001/);
  },
};

describe('README examples', () => {
  let server: ServerProcess;
  let home: string;
  let binDir: string;
  let flowId = '';
  const blocks = docTestBlocks('README.md');

  before(async () => {
    home = makeTempDir('tributary-readme-');
    const fileRoot = path.join(home, 'files');
    fs.mkdirSync(path.join(fileRoot, 'exports'), { recursive: true });
    server = await startServerProcess({
      TRIBUTARY_DATA_DIR: path.join(home, 'data'),
      TRIBUTARY_FILE_ROOTS: fileRoot,
      TRIBUTARY_ADMIN_TOKEN: '',
    });

    binDir = makeTempDir('tributary-bin-');
    // The README runs the CLI as `npx tributary` from the repository. This folder is not the
    // repository, so an `npx` shim on the PATH runs the repository's CLI, and only that.
    fs.writeFileSync(
      path.join(binDir, 'npx'),
      `#!/bin/sh\n[ "$1" = tributary ] || { echo "npx shim: only tributary" >&2; exit 127; }\nshift\nexec "${process.execPath}" "${cliPath}" "$@"\n`,
      { mode: 0o755 },
    );

    const token = fs.readFileSync(path.join(home, 'data', 'admin-token'), 'utf8').trim();
    flowId = await createExampleFlow(server.url, token, fileRoot);
  });

  after(() => server?.stop());

  it('has an expectation for every example', () => {
    assert.deepEqual(blocks.map((block) => block.name).sort(), Object.keys(expectations).sort());
  });

  it('runs every example in order', async () => {
    const stateFile = path.join(home, '.doc-test-state');
    fs.writeFileSync(stateFile, '');
    const variables = assignedVariables(blocks);

    for (const block of blocks) {
      const result = await runBlock(block, { stateFile, variables, url: server.url, home, binDir });
      assert.equal(result.code, 0, `example ${block.name} failed:\n${result.stdout}\n${result.stderr}`);
      expectations[block.name]!(result, { flowId });
    }
  });
});

async function runBlock(
  block: DocBlock,
  options: { stateFile: string; variables: string[]; url: string; home: string; binDir: string },
): Promise<BlockResult> {
  const script = [
    'set -eo pipefail',
    `source ${JSON.stringify(options.stateFile)}`,
    block.script.replaceAll('http://127.0.0.1:8080', options.url),
    `declare -p ${options.variables.join(' ')} 2>/dev/null > ${JSON.stringify(options.stateFile)} || true`,
  ].join('\n');

  const child = spawn('bash', ['-c', script], {
    cwd: options.home,
    env: {
      PATH: `${options.binDir}:${process.env.PATH}`,
      HOME: options.home,
      LANG: 'en_US.UTF-8',
      TRIBUTARY_URL: options.url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (exitCode) => resolve(exitCode ?? -1)));
  return { code, stdout, stderr };
}

/**
 * Creates an hourly flow that starts tomorrow, so that only the README's on-demand runs execute. Its CSV
 * was modified 90 minutes ago and has one row whose population is not a number, under the 5 %
 * threshold: its runs succeed with one row error.
 */
async function createExampleFlow(url: string, token: string, fileRoot: string): Promise<string> {
  const rows = [
    'code_insee;nom;population',
    '01001;L’Abergement-Clémenciat;860',
    '01002;L’Abergement-de-Varey;beaucoup',
  ];
  for (let index = 4; index <= 40; index++)
    rows.push(`010${String(index).padStart(2, '0')};Commune ${index};${index * 100}`);
  const file = path.join(fileRoot, 'exports', 'communes.csv');
  fs.writeFileSync(file, `${rows.join('\n')}\n`);
  const modified = (Date.now() - 90 * 60_000) / 1000;
  fs.utimesSync(file, modified, modified);

  const post = async (pathname: string, body: unknown): Promise<string> => {
    const response = await fetch(new URL(pathname, url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { id: string };
    assert.equal(response.status, 201, `POST ${pathname}: ${JSON.stringify(json)}`);
    return json.id;
  };

  const accountId = await post('/api/v1/connections', {
    name: 'Exports',
    connectionSpec: { id: 'local-files' },
    auth: { params: { folder: 'exports' } },
  });
  const sourceId = await post('/api/v1/sourceConnections', {
    name: 'Communes CSV',
    baseConnectionId: accountId,
    data: { format: 'delimited', properties: { columnDelimiter: ';', encoding: 'utf-8', header: true } },
    params: { path: '*.csv', recursive: false },
  });
  const datasetId = await post('/api/v1/datasets', {
    name: 'communes',
    schema: {
      fields: [
        { name: 'codeInsee', type: 'string', required: true },
        { name: 'nom', type: 'string' },
        { name: 'population', type: 'integer' },
      ],
    },
  });
  const tomorrow = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000;
  return post('/api/v1/flows', {
    name: 'Communes (doc-test)',
    sourceConnectionIds: [sourceId],
    targetDatasetId: datasetId,
    transformations: {
      mapping: [
        { source: 'code_insee', destination: 'codeInsee' },
        { source: 'nom', destination: 'nom' },
        { source: 'population', destination: 'population' },
      ],
    },
    scheduleParams: { frequency: 'hour', interval: 1, startTime: new Date(tomorrow).toISOString(), backfill: false },
    options: { errorThresholdPercent: 5 },
  });
}
