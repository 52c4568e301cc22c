import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// A real `tributary serve` (or `worker`) process on loopback for the benchmarks that need one, and
// a small client for the API calls that set up sources, datasets and flows.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'tributary.js');

export const BENCH_TOKEN = 'bench-admin-token-0123456789abcdef';

export interface ServerOptions {
  dataDir: string;
  fileRoot: string;
  databaseUrl?: string;
  warehouseUrl?: string;
  workers?: number;
  /** Extra environment, such as `TRIBUTARY_POLL_INTERVAL_MS`. */
  env?: Record<string, string>;
  /** Node options before the script, such as `--cpu-prof`. */
  nodeArgs?: string[];
}

export interface RunningProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface RunningServer extends RunningProcess {
  url: string;
  api: <T = unknown>(method: string, route: string, body?: unknown) => Promise<T>;
}

function environment(options: ServerOptions, port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    TRIBUTARY_DATA_DIR: options.dataDir,
    TRIBUTARY_FILE_ROOTS: options.fileRoot,
    TRIBUTARY_ADMIN_TOKEN: BENCH_TOKEN,
    TRIBUTARY_SECRET_KEY: 'a'.repeat(64),
    TRIBUTARY_DEMO: '0',
    TRIBUTARY_WORKER_CONCURRENCY: String(options.workers ?? 2),
    LOG_LEVEL: 'warn',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.warehouseUrl ? { WAREHOUSE_URL: options.warehouseUrl } : {}),
    ...options.env,
  };
}

function startProcess(
  command: 'serve' | 'worker',
  env: NodeJS.ProcessEnv,
  logFile: string,
  nodeArgs: string[] = [],
): RunningProcess {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, BIN, command], { env, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts `tributary serve` and resolves once `/readyz` returns 200. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(options.dataDir, 'serve.log');
  fs.mkdirSync(options.dataDir, { recursive: true });
  const server = startProcess('serve', environment(options, port), logFile, options.nodeArgs);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.child.exitCode !== null) {
      throw new Error(
        `tributary serve exited with ${server.child.exitCode}: ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`,
      );
    }
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`tributary serve did not become ready within 60 s; see ${logFile}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/api/v1${route}`, {
      method,
      headers: {
        authorization: `Bearer ${BENCH_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} failed with status ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return { ...server, url, api };
}

/** Starts `tributary worker` processes on the same databases as a server. */
export function startWorker(options: ServerOptions, index: number): RunningProcess {
  return startProcess(
    'worker',
    environment(options, 0),
    path.join(options.dataDir, `worker-${index}.log`),
    options.nodeArgs,
  );
}

export interface CsvFlowOptions {
  /** Folder of the account, relative to the file root. */
  folder: string;
  /** File, folder or pattern inside the account's folder. */
  path: string;
  datasetName: string;
  fields: { name: string; type: string; required?: boolean }[];
  scheduleParams: Record<string, unknown>;
}

/** Creates an account, a source connection, a dataset and a flow reading CSV files; returns their ids. */
export async function createCsvFlow(
  server: RunningServer,
  options: CsvFlowOptions,
): Promise<{ connectionId: string; sourceId: string; datasetId: string; flowId: string }> {
  const connection = await server.api<{ id: string }>('POST', '/connections', {
    name: `${options.datasetName} files`,
    connectionSpec: { id: 'local-files' },
    auth: { params: { folder: options.folder } },
  });
  const source = await server.api<{ id: string }>('POST', '/sourceConnections', {
    name: `${options.datasetName} source`,
    baseConnectionId: connection.id,
    data: { format: 'delimited', properties: { columnDelimiter: ',', encoding: 'utf-8', header: true } },
    params: { path: options.path, recursive: false },
  });
  const dataset = await server.api<{ id: string }>('POST', '/datasets', {
    name: options.datasetName,
    schema: { fields: options.fields },
  });
  const flow = await server.api<{ id: string }>('POST', '/flows', {
    name: `${options.datasetName} flow`,
    sourceConnectionIds: [source.id],
    targetDatasetId: dataset.id,
    transformations: { mapping: options.fields.map((field) => ({ source: field.name, destination: field.name })) },
    scheduleParams: options.scheduleParams,
  });
  return { connectionId: connection.id, sourceId: source.id, datasetId: dataset.id, flowId: flow.id };
}

/** Builds the select list that copies a flow row `f` with a new id and name, keeping every other column. */
export function flowCloneSelect(columns: string[]): string {
  return columns
    .map((column) => {
      if (column === 'id') return `f.id || '-' || n.i`;
      if (column === 'name') return `f.name || ' ' || n.i`;
      return `f.${column}`;
    })
    .join(', ');
}
