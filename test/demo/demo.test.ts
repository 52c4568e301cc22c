import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoFlowNames } from '../../src/demo/seed.ts';
import { makeTempDir } from '../support/backends.ts';
import { startServerProcess, type ServerProcess } from '../support/process.ts';
import { waitFor } from '../support/wait.ts';

// A fresh `tributary serve` with the demo: within a short time its dataflows show processed runs,
// scheduled runs, a run with row errors under the threshold and a run that failed over it.

interface Run {
  id: string;
  status: string;
  metrics?: { recordSummary?: { outputRecordCount?: number; failedRecordCount?: number } };
  errors?: { code: string }[];
}

describe('demo at first start', () => {
  let server: ServerProcess;
  let home: string;
  let token: string;
  const flowIds = new Map<string, string>();

  const get = async <T>(pathname: string): Promise<T> => {
    const response = await fetch(new URL(pathname, server.url), { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, `GET ${pathname}`);
    return (await response.json()) as T;
  };
  const runsOf = async (name: string) =>
    (await get<{ items: Run[] }>(`/api/v1/runs?property=flowId==${flowIds.get(name)}&limit=100`)).items;

  before(async () => {
    home = makeTempDir('tributary-demo-');
    server = await startServerProcess({
      TRIBUTARY_DATA_DIR: path.join(home, 'data'),
      TRIBUTARY_FILE_ROOTS: path.join(home, 'files'),
      TRIBUTARY_ADMIN_TOKEN: '',
      TRIBUTARY_DEMO: '1',
    });
    token = fs.readFileSync(path.join(home, 'data', 'admin-token'), 'utf8').trim();

    const flows = await waitFor(
      async () => {
        const { items } = await get<{ items: { id: string; name: string }[] }>('/api/v1/flows');
        return items.length === 3 ? items : undefined;
      },
      { timeoutMs: 60_000, message: 'the three demo dataflows' },
    );
    for (const flow of flows) flowIds.set(flow.name, flow.id);
  });

  after(() => server?.stop());

  it('creates the demo dataflows', () => {
    assert.deepEqual([...flowIds.keys()].sort(), Object.values(demoFlowNames).sort());
  });

  it('shows processed runs with row errors and a failure', async () => {
    const runs = await waitFor(
      async () => {
        const items = await runsOf(demoFlowNames.communes);
        const ended = items.filter((run) => run.status === 'success' || run.status === 'failed');
        return ended.length >= 7 ? items : undefined;
      },
      { timeoutMs: 90_000, message: 'the seven processed runs of the communes dataflow' },
    );

    // A run of the hour that ends while the test runs may succeed too, with no file to read.
    const succeeded = runs.filter(
      (run) => run.status === 'success' && (run.metrics?.recordSummary?.outputRecordCount ?? 0) > 0,
    );
    assert.equal(succeeded.length, 6);
    const withRowErrors = succeeded.filter((run) => (run.metrics?.recordSummary?.failedRecordCount ?? 0) > 0);
    assert.equal(withRowErrors.length, 1);
    assert.equal(withRowErrors[0]!.metrics?.recordSummary?.failedRecordCount, 3);

    const failed = runs.filter((run) => run.status === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.errors?.[0]?.code, 'ERROR_THRESHOLD_EXCEEDED');
  });

  it('shows scheduled runs', async () => {
    const upcoming = await get<{ items: unknown[] }>(
      `/api/v1/flows/${flowIds.get(demoFlowNames.communes)}/scheduledRuns?limit=10`,
    );
    assert.ok(upcoming.items.length >= 1, 'the hourly dataflow has upcoming runs');
  });

  it('processes the once and SQLite dataflows', async () => {
    for (const name of [demoFlowNames.departements, demoFlowNames.populations]) {
      const run = await waitFor(async () => (await runsOf(name)).find((item) => item.status === 'success'), {
        timeoutMs: 90_000,
        message: `a processed run of ${name}`,
      });
      assert.ok((run.metrics?.recordSummary?.outputRecordCount ?? 0) > 0, `${name} ingested rows`);
    }
  });

  it('does not seed again at the next start', async () => {
    await server.stop();
    server = await startServerProcess({
      TRIBUTARY_DATA_DIR: path.join(home, 'data'),
      TRIBUTARY_FILE_ROOTS: path.join(home, 'files'),
      TRIBUTARY_ADMIN_TOKEN: '',
      TRIBUTARY_DEMO: '1',
    });
    const { count } = await get<{ count: number }>('/api/v1/flows?count=true');
    assert.equal(count, 3);
  });
});
