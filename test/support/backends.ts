import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/store.ts';

// The real databases the tests run against. PostgreSQL and MariaDB are the machine's own services;
// outside CI a missing service skips its suites with the reason, and in CI (CI=true) it fails them.

export const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const mysqlUrl = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const inCi = process.env.CI === 'true';

let postgresProbe: Promise<string | null> | undefined;

/** Resolves to null when PostgreSQL accepts a query, or to the reason it does not. */
export function postgresUnavailable(): Promise<string | null> {
  postgresProbe ??= (async () => {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (error) {
      return `PostgreSQL at ${postgresUrl} is unreachable: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresProbe;
}

/** Returns the `skip` option of a PostgreSQL suite: the reason outside CI, or throws in CI. */
export async function skipUnlessPostgres(): Promise<string | false> {
  const reason = await postgresUnavailable();
  if (reason && inCi) throw new Error(`${reason}; CI requires it.`);
  return reason ?? false;
}

export function makeTempDir(prefix = 'tributary-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Returns a new PostgreSQL schema name, unique to this test. */
export function uniqueSchemaName(prefix = 't'): string {
  return `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
}

export async function dropPostgresSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

export interface MetadataBackend {
  name: 'sqlite' | 'postgres';
  /** Opens a fresh, migrated metadata store that no other test uses. */
  open(): Promise<Store & { url: string; schema?: string }>;
}

/** The metadata backends every store and engine suite runs on. */
export const metadataBackends: MetadataBackend[] = [
  {
    name: 'sqlite',
    async open() {
      const url = `sqlite:${path.join(makeTempDir(), 'metadata.db')}`;
      return { ...(await openStore({ url })), url };
    },
  },
  {
    name: 'postgres',
    async open() {
      const schema = uniqueSchemaName('meta');
      const store = await openStore({ url: postgresUrl, schema, poolSize: 5 });
      return {
        ...store,
        url: postgresUrl,
        schema,
        close: async () => {
          await store.close();
          await dropPostgresSchema(schema);
        },
      };
    },
  },
];

/** Returns the skip option for one backend's suite. */
export async function skipBackend(name: 'sqlite' | 'postgres'): Promise<string | false> {
  return name === 'postgres' ? skipUnlessPostgres() : false;
}
