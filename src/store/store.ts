import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Migration } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import * as initial from './migrations/001-initial.ts';
import * as runClaimIndex from './migrations/002-run-claim-index.ts';
import * as runListingIndexes from './migrations/003-run-listing-indexes.ts';

/**
 * Capabilities that differ between the metadata backends. Business code tests these predicates and
 * never the name of the database it runs on.
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
  '003-run-listing-indexes': runListingIndexes,
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

// Applied migrations are recorded by name in this table (the layout Kysely's migrator uses). The
// runner below reads only this table: Kysely's migrator lists every table of the database first,
// which fails when another process drops a staging table during the listing.
const MIGRATION_TABLE = 'kysely_migration';

async function migrate(store: Store, schema: string | undefined): Promise<void> {
  if (!store.capabilities.supportsSharedProcesses) {
    await applyMigrations(store.db, undefined);
    return;
  }

  const migrationSchema = schema ?? 'public';
  await store.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
    try {
      await sql`create schema if not exists ${sql.id(migrationSchema)}`.execute(connection);
      await applyMigrations(connection, migrationSchema);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
    }
  });
}

/** Runs the migrations not yet recorded, in name order, each in its own transaction with its record. */
async function applyMigrations(db: Kysely<Database>, schema: string | undefined): Promise<void> {
  const table = schema ? sql.id(schema, MIGRATION_TABLE) : sql.id(MIGRATION_TABLE);
  await sql`create table if not exists ${table} (name varchar(255) primary key, timestamp varchar(255) not null)`.execute(
    db,
  );
  const applied = await sql<{ name: string }>`select name from ${table}`.execute(db);
  const done = new Set(applied.rows.map((row) => row.name));

  for (const name of Object.keys(migrations).sort()) {
    if (done.has(name)) continue;
    try {
      await db.transaction().execute(async (trx) => {
        await migrations[name]!.up(trx);
        await sql`insert into ${table} (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(trx);
      });
    } catch (error) {
      throw new Error(
        `Database migration '${name}' failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}
