import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { makeTempDir, postgresUrl, skipUnlessPostgres, uniqueSchemaName } from '../support/backends.ts';
import { startServerProcess, type ServerProcess } from '../support/process.ts';

const skip = await skipUnlessPostgres();

test('two servers start at once on one empty PostgreSQL database', { skip }, async () => {
  const database = uniqueSchemaName('start');
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  const servers: ServerProcess[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await admin.query(`drop database if exists "${database}" with (force)`);
    await admin.end();
  });

  const url = new URL(postgresUrl);
  url.pathname = `/${database}`;
  const started = await Promise.all(
    [1, 2].map((n) => {
      const dataDir = makeTempDir(`tributary-start-${n}-`);
      return startServerProcess({
        DATABASE_URL: url.toString(),
        TRIBUTARY_DATA_DIR: dataDir,
        WAREHOUSE_URL: `sqlite:${path.join(dataDir, 'warehouse.db')}`,
        TRIBUTARY_ADMIN_TOKEN: 'two-servers-token',
        TRIBUTARY_SECRET_KEY: '0'.repeat(64),
      });
    }),
  );
  servers.push(...started);

  for (const server of started) {
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    const flows = await fetch(`${server.url}/api/v1/flows`, { headers: { authorization: 'Bearer two-servers-token' } });
    assert.equal(flows.status, 200);
  }

  const check = new pg.Client({ connectionString: url.toString() });
  await check.connect();
  try {
    const tables = await check.query(
      "select table_schema, count(*)::int as n from information_schema.tables where table_name = 'runs' group by table_schema",
    );
    assert.deepEqual(tables.rows, [{ table_schema: 'public', n: 1 }]);
    const migrations = await check.query('select name from public.kysely_migration order by name');
    assert.ok(migrations.rows.length >= 1);
    assert.equal(new Set(migrations.rows.map((row) => row.name)).size, migrations.rows.length);
    const sandboxes = await check.query("select name from sandboxes where org_id = 'default' order by name");
    assert.deepEqual(
      sandboxes.rows.map((row) => row.name),
      ['dev', 'prod'],
    );
  } finally {
    await check.end();
  }
});
