import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { demoFlowNames, demoMarkerFile, injectedApi, seedDemo } from '../../src/demo/seed.ts';
import { makeTempDir, metadataBackends, skipBackend } from '../support/backends.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

// The seed in-process against the real API app on each metadata backend: what it creates, the files
// it writes, and that it runs once.

for (const backend of metadataBackends) {
  describe(`demo seed on ${backend.name}`, { skip: await skipBackend(backend.name) }, () => {
    let api: TestApi;
    let dataDir: string;

    before(async () => {
      api = await startTestApi(backend);
      dataDir = makeTempDir('tributary-demo-');
    });
    after(() => api.close());

    it('creates the dataflows, files and SQLite source', async () => {
      const result = await seedDemo({
        api: injectedApi(api.app, api.tokens.adminA),
        dataDir,
        fileRoot: api.fileRoot,
        clock: api.clock,
      });
      assert.equal(result.seeded, true);
      assert.equal(result.flowIds.length, 3);

      const flows = await api.app.inject({
        method: 'GET',
        url: '/api/v1/flows',
        headers: { authorization: `Bearer ${api.tokens.adminA}` },
      });
      const names = (flows.json() as { items: { name: string }[] }).items.map((flow) => flow.name).sort();
      assert.deepEqual(names, Object.values(demoFlowNames).sort());

      const communes = fs.readdirSync(path.join(api.fileRoot, 'demo', 'communes')).sort();
      assert.equal(communes.length, 7);
      const ain = iconv.decode(
        fs.readFileSync(path.join(api.fileRoot, 'demo', 'communes', 'communes-01.csv')),
        'windows-1252',
      );
      assert.match(
        ain,
        /^code_insee;nom;code_departement;codes_postaux;population;part_population_departement;date_export\r\n/,
      );
      assert.match(ain, /\r\n01001;L'Abergement-Clémenciat;01;01400;\d+;\d+,\d{3};\d{2}\/\d{2}\/\d{4}\r\n/);

      const departements = fs.readFileSync(path.join(api.fileRoot, 'demo', 'departements', 'departements.csv'));
      assert.deepEqual([...departements.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.ok(fs.existsSync(path.join(api.fileRoot, 'demo', 'recensement.sqlite')));
    });

    it('spreads file times over the past hours', () => {
      const folder = path.join(api.fileRoot, 'demo', 'communes');
      const times = fs.readdirSync(folder).map((file) => fs.statSync(path.join(folder, file)).mtimeMs);
      const hours = new Set(times.map((ms) => Math.floor(ms / 3_600_000)));
      assert.equal(hours.size, 7);
      for (const ms of times)
        assert.ok(ms < api.clock.now(), `file time ${new Date(ms).toISOString()} is in the future`);
    });

    it('seeds only once', async () => {
      const again = await seedDemo({
        api: injectedApi(api.app, api.tokens.adminA),
        dataDir,
        fileRoot: api.fileRoot,
        clock: api.clock,
      });
      assert.equal(again.seeded, false);

      // Without the marker, as on a second server sharing the database, the existing flow is found.
      fs.rmSync(path.join(dataDir, demoMarkerFile));
      const shared = await seedDemo({
        api: injectedApi(api.app, api.tokens.adminA),
        dataDir,
        fileRoot: api.fileRoot,
        clock: api.clock,
      });
      assert.equal(shared.seeded, false);
      assert.ok(fs.existsSync(path.join(dataDir, demoMarkerFile)));

      const count = await api.app.inject({
        method: 'GET',
        url: '/api/v1/flows?count=true',
        headers: { authorization: `Bearer ${api.tokens.adminA}` },
      });
      assert.equal((count.json() as { count: number }).count, 3);
    });
  });
}
