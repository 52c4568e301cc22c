import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import * as initial from './migrations/001-initial.ts';
import * as runClaimIndex from './migrations/002-run-claim-index.ts';

/**
 * What differs between the metadata backends. Business code asks these predicates and never which
 * database it runs on.
 */
export interface StoreCapabilities {
  /** `SELECT … FOR UPDATE SKIP LOCKED`, so that several processes claim runs without blocking. */
  supportsSkipLocked: boolean;
  /** Several processes may share the database (PostgreSQL); SQLite serves one process. */
  supportsSharedProcesses: boolean;
}

export interface Store {
  db: Kysely<Database>;
  capabilities: StoreCapabilities;
  /** `sqlite:<file>` or the PostgreSQL URL with its password masked, for logs. */
  description: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…`, `sqlite:<file>` or a bare SQLite file path. */
  url: string;
  /** PostgreSQL schema to use instead of `public`; tests give each file its own. */
  schema?: string;
  /** Maximum PostgreSQL connections in the pool. */
  poolSize?: number;
}

const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-run-claim-index': runClaimIndex,
};

/** Opens the metadata database and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = isPostgresUrl(options.url) ? openPostgres(options) : openSqlite(options.url);
  try {
    await migrate(store, options.schema);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Masks the password of a database URL, so that it can be logged. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

function openSqlite(url: string): Store {
  const file = url.replace(/^sqlite:(\/\/)?/i, '');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });

  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  // Waits for the lock instead of failing when the CLI or a second connection writes at once.
  database.pragma('busy_timeout = 5000');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return {
    db,
    capabilities: { supportsSkipLocked: false, supportsSharedProcesses: false },
    description: `sqlite:${file}`,
    close: () => db.destroy(),
  };
}

function openPostgres(options: StoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${quoteIdentifier(options.schema)}` } : {}),
    // int8 columns hold epoch milliseconds, which fit a JavaScript number.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format),
    } as pg.CustomTypesConfig,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next query.
  });

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    capabilities: { supportsSkipLocked: true, supportsSharedProcesses: true },
    description: maskUrl(options.url),
    close: () => db.destroy(),
  };
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`Invalid schema name '${name}': use letters, digits and _.`);
  return name;
}

// On PostgreSQL, a session advisory lock makes concurrent starts wait for each other, so two servers
// started at once on an empty database come up on one schema.
const MIGRATION_LOCK_KEY = 72_616_401;

async function migrate(store: Store, schema: string | undefined): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };

  if (!store.capabilities.supportsSharedProcesses) {
    await runMigrator(store.db, provider, undefined);
    return;
  }

  // Kysely looks for its migration table in every schema unless told which one.
  const migrationSchema = schema ?? 'public';
  await store.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
    try {
      await sql`create schema if not exists ${sql.id(migrationSchema)}`.execute(connection);
      if (await allMigrationsApplied(connection, migrationSchema)) return;
      await runMigratorRetryingRaces(connection, provider, migrationSchema);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
    }
  });
}

// Kysely's migrator lists every table of the database before it migrates. A table or schema that
// another process drops during that listing fails it with 42P01 or 3F000, so the run is tried again.
const INTROSPECTION_RACE_CODES = new Set(['42P01', '3F000']);
const MIGRATION_ATTEMPTS = 5;

async function runMigratorRetryingRaces(
  db: Kysely<Database>,
  provider: MigrationProvider,
  schema: string,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await runMigrator(db, provider, schema);
      return;
    } catch (error) {
      const code = ((error as Error).cause as { code?: string } | undefined)?.code;
      if (attempt >= MIGRATION_ATTEMPTS || !code || !INTROSPECTION_RACE_CODES.has(code)) throw error;
    }
  }
}

/** Reads the migration table directly, so that a started database skips Kysely's introspection. */
async function allMigrationsApplied(db: Kysely<Database>, schema: string): Promise<boolean> {
  const table = await sql<{ name: string | null }>`select to_regclass(${`${schema}.kysely_migration`}) as name`.execute(
    db,
  );
  if (!table.rows[0]?.name) return false;
  const applied = await sql<{ name: string }>`select name from ${sql.id(schema, 'kysely_migration')}`.execute(db);
  const names = new Set(applied.rows.map((row) => row.name));
  return Object.keys(migrations).every((name) => names.has(name));
}

async function runMigrator(
  db: Kysely<Database>,
  provider: MigrationProvider,
  schema: string | undefined,
): Promise<void> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `Database migration '${failed}' failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}
