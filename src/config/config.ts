import path from 'node:path';

// Every setting, its environment variable and its default, in one table. Units are in the names.

export interface Config {
  /** Metadata database: `postgres://…` or `sqlite:<file>`. */
  databaseUrl: string;
  /** Warehouse database for dataset rows: `postgres://…` or `sqlite:<file>`. */
  warehouseUrl: string;
  port: number;
  host: string;
  dataDir: string;
  /** Absolute folders that `local-files` accounts may read. */
  fileRoots: string[];
  /** 32-byte key as 64 hex characters or base64; absent means a key file in the data folder. */
  secretKey: string | undefined;
  adminToken: string | undefined;
  workerConcurrency: number;
  logLevel: string;
  /** Seed the demo organization's data at first start. */
  demo: boolean;

  leaseSeconds: number;
  heartbeatIntervalMs: number;
  pollIntervalMs: number;
  schedulerIntervalMs: number;
  /** A run that reads nothing for this long fails with RUN_STALLED. */
  noProgressTimeoutSeconds: number;
  /** A run that lasts longer fails with RUN_TIMED_OUT. */
  maxRunSeconds: number;
  /** Attempts of one read after transient errors, the first included. */
  transientRetryAttempts: number;
  transientRetryBaseDelayMs: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the configuration; every message names the variable and the fix. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.TRIBUTARY_DATA_DIR || './data');

  const databaseUrl = env.DATABASE_URL || `sqlite:${path.join(dataDir, 'metadata.db')}`;
  const warehouseUrl = env.WAREHOUSE_URL || `sqlite:${path.join(dataDir, 'warehouse.db')}`;
  for (const [name, url] of [
    ['DATABASE_URL', databaseUrl],
    ['WAREHOUSE_URL', warehouseUrl],
  ] as const) {
    if (!/^(postgres(ql)?:\/\/|sqlite:)/i.test(url)) {
      throw new ConfigError(
        `${name} '${url}' is not supported; use postgres://user@host:port/database or sqlite:<file>.`,
      );
    }
  }

  const fileRoots = (env.TRIBUTARY_FILE_ROOTS || path.join(dataDir, 'files'))
    .split(path.delimiter)
    .filter((root) => root.trim() !== '')
    .map((root) => path.resolve(root.trim()));

  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL '${logLevel}' is invalid; use one of ${LOG_LEVELS.join(', ')}.`);
  }

  return {
    databaseUrl,
    warehouseUrl,
    port: readInteger(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir,
    fileRoots,
    secretKey: env.TRIBUTARY_SECRET_KEY || undefined,
    adminToken: env.TRIBUTARY_ADMIN_TOKEN || undefined,
    workerConcurrency: readInteger(env, 'TRIBUTARY_WORKER_CONCURRENCY', 2, 0, 256),
    logLevel,
    demo: readBoolean(env, 'TRIBUTARY_DEMO', true),

    leaseSeconds: readInteger(env, 'TRIBUTARY_LEASE_SECONDS', 30, 2, 3600),
    heartbeatIntervalMs: readInteger(env, 'TRIBUTARY_HEARTBEAT_INTERVAL_MS', 1000, 50, 60_000),
    pollIntervalMs: readInteger(env, 'TRIBUTARY_POLL_INTERVAL_MS', 500, 10, 60_000),
    schedulerIntervalMs: readInteger(env, 'TRIBUTARY_SCHEDULER_INTERVAL_MS', 1000, 10, 600_000),
    noProgressTimeoutSeconds: readInteger(env, 'TRIBUTARY_NO_PROGRESS_TIMEOUT_SECONDS', 600, 1, 86_400),
    maxRunSeconds: readInteger(env, 'TRIBUTARY_MAX_RUN_SECONDS', 6 * 3600, 1, 7 * 86_400),
    transientRetryAttempts: readInteger(env, 'TRIBUTARY_TRANSIENT_RETRY_ATTEMPTS', 4, 1, 20),
    transientRetryBaseDelayMs: readInteger(env, 'TRIBUTARY_TRANSIENT_RETRY_BASE_DELAY_MS', 500, 1, 60_000),
  };
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} '${raw}' is invalid; use a whole number from ${min} to ${max}.`);
  }
  return value;
}

function readBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} '${raw}' is invalid; use 1 or 0.`);
}
