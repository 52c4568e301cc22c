import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { formatInstant, type Clock } from '../domain/time.ts';
import { demoHourMs, writeCommuneFiles, writeDepartementFile, writePopulationDatabase } from './files.ts';

// The demo seeded at first start: real public data (French communes and départements) in files and
// an SQLite table. Accounts, source connections, datasets and dataflows are created through the
// public API, and within a minute the UI shows processed runs, scheduled runs and row errors.

/** The part of the HTTP API the seed uses: a request with the admin token that returns JSON. */
export interface DemoApi {
  request<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Wraps a Fastify app of the same process, called through `inject` without a socket. */
export function injectedApi(app: FastifyInstance, token: string): DemoApi {
  return {
    async request<T>(method: 'GET' | 'POST', url: string, body?: unknown) {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: response.statusCode, body: (response.body ? JSON.parse(response.body) : undefined) as T };
    },
  };
}

/** Wraps a server's API over HTTP, for seeding a server that already runs. */
export function httpApi(baseUrl: string, token: string): DemoApi {
  return {
    async request<T>(method: 'GET' | 'POST', url: string, body?: unknown) {
      const response = await fetch(new URL(url, baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
  };
}

export interface SeedDemoOptions {
  api: DemoApi;
  /** The server's data folder, where the seed leaves a marker so that it runs once. */
  dataDir: string;
  /** A folder inside one of the server's file roots; the demo files go to `<fileRoot>/demo`. */
  fileRoot: string;
  clock: Clock;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export interface SeedResult {
  seeded: boolean;
  flowIds: string[];
}

export const demoMarkerFile = 'demo-seeded.json';
export const demoFlowNames = {
  communes: 'Communes par département (horaire)',
  departements: 'Départements (une fois)',
  populations: 'Populations SQLite (horaire)',
} as const;

/** Thrown when the API rejects a demo request; the seed stops and names the failed request. */
export class DemoSeedError extends Error {
  constructor(
    readonly request: string,
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(`Demo seed request ${request} failed with HTTP ${status}: ${JSON.stringify(problem)}`);
    this.name = 'DemoSeedError';
  }
}

/**
 * Seeds the demo unless it was seeded before: the marker file exists, or a demo dataflow already
 * exists in the default sandbox (another server seeded the shared database).
 */
export async function seedDemo(options: SeedDemoOptions): Promise<SeedResult> {
  const marker = path.join(options.dataDir, demoMarkerFile);
  if (fs.existsSync(marker)) return { seeded: false, flowIds: [] };

  const existing = await options.api.request<{ items?: { id: string }[] }>(
    'GET',
    `/api/v1/flows?property=${encodeURIComponent(`name==${demoFlowNames.communes}`)}`,
  );
  if (existing.status === 200 && (existing.body.items?.length ?? 0) > 0) {
    writeMarker(
      marker,
      existing.body.items!.map((flow) => flow.id),
    );
    return { seeded: false, flowIds: [] };
  }

  const folder = path.join(options.fileRoot, 'demo');
  const flowIds = [await seedCommunes(options, folder), await seedDepartements(options, folder)];
  try {
    flowIds.push(await seedPopulations(options, folder));
  } catch (error) {
    // The table flow is the last part of the demo; without it the file flows still show everything.
    options.logger?.warn({ err: error }, 'demo SQLite dataflow not seeded');
  }

  writeMarker(marker, flowIds);
  options.logger?.info({ flowIds, folder }, 'demo seeded');
  return { seeded: true, flowIds };
}

function writeMarker(marker: string, flowIds: string[]): void {
  fs.mkdirSync(path.dirname(marker), { recursive: true });
  fs.writeFileSync(marker, `${JSON.stringify({ flowIds }, null, 2)}\n`);
}

async function create(api: DemoApi, url: string, body: unknown): Promise<string> {
  const response = await api.request<{ id: string }>('POST', url, body);
  if (response.status !== 201) throw new DemoSeedError(`POST ${url}`, response.status, response.body);
  return response.body.id;
}

function startOfHour(ms: number): number {
  return Math.floor(ms / demoHourMs) * demoHourMs;
}

/**
 * Creates an hourly flow over one file per département. Its schedule starts six hours ago with backfill, so
 * the scheduler at once creates the backfill run and six hourly runs, one file in each window.
 * The Finistère file has 3 damaged rows of 277, about 1 %, so its run succeeds with failed rows.
 * The Haute-Corse file has one in four, over the 5 % threshold, so its run fails.
 */
async function seedCommunes({ api, clock }: SeedDemoOptions, folder: string): Promise<string> {
  const hour = startOfHour(clock.now());
  const startTime = hour - 6 * demoHourMs;
  const inWindow = (k: number) => startTime + (k - 1) * demoHourMs + 10 * 60_000;
  writeCommuneFiles(folder, [
    { departement: '01', modifiedAtMs: startTime - 20 * demoHourMs },
    { departement: '13', modifiedAtMs: inWindow(1) },
    { departement: '2A', modifiedAtMs: inWindow(2) },
    { departement: '29', modifiedAtMs: inWindow(3), damageEvery: 90 },
    { departement: '2B', modifiedAtMs: inWindow(4), damageEvery: 4 },
    { departement: '33', modifiedAtMs: inWindow(5) },
    { departement: '69', modifiedAtMs: inWindow(6) },
  ]);

  const accountId = await create(api, '/api/v1/connections', {
    name: 'Démo – fichiers',
    connectionSpec: { id: 'local-files' },
    auth: { params: { folder } },
  });
  const sourceId = await create(api, '/api/v1/sourceConnections', {
    name: 'Communes (CSV Windows-1252)',
    baseConnectionId: accountId,
    data: { format: 'delimited', properties: { columnDelimiter: ';', encoding: 'windows-1252', header: true } },
    params: { path: 'communes/*.csv', recursive: false },
  });
  const datasetId = await create(api, '/api/v1/datasets', {
    name: 'communes',
    schema: {
      fields: [
        { name: 'codeInsee', type: 'string', required: true },
        { name: 'nom', type: 'string', required: true },
        { name: 'codeDepartement', type: 'string', required: true },
        { name: 'codesPostaux', type: 'string' },
        { name: 'population', type: 'integer', required: true },
        { name: 'partPopulationDepartement', type: 'number' },
        { name: 'dateExport', type: 'date' },
      ],
    },
    primaryKey: ['codeInsee'],
  });
  return create(api, '/api/v1/flows', {
    name: demoFlowNames.communes,
    sourceConnectionIds: [sourceId],
    targetDatasetId: datasetId,
    transformations: {
      mapping: [
        { source: 'code_insee', destination: 'codeInsee' },
        { source: 'nom', destination: 'nom' },
        { source: 'code_departement', destination: 'codeDepartement' },
        { source: 'codes_postaux', destination: 'codesPostaux' },
        { source: 'population', destination: 'population' },
        { source: 'part_population_departement', destination: 'partPopulationDepartement', decimalSeparator: ',' },
        { source: 'date_export', destination: 'dateExport', format: 'dd/MM/yyyy' },
      ],
    },
    scheduleParams: {
      frequency: 'hour',
      interval: 1,
      startTime: formatInstant(startTime),
      timezone: 'Europe/Paris',
      backfill: true,
    },
    options: { errorThresholdPercent: 5 },
  });
}

/** Creates a `once` flow with backfill: one run covering everything before its start, a minute ago. */
async function seedDepartements({ api, clock }: SeedDemoOptions, folder: string): Promise<string> {
  const now = clock.now();
  writeDepartementFile(folder, now - 2 * demoHourMs);

  const accountId = await create(api, '/api/v1/connections', {
    name: 'Démo – référentiels',
    connectionSpec: { id: 'local-files' },
    auth: { params: { folder } },
  });
  const sourceId = await create(api, '/api/v1/sourceConnections', {
    name: 'Départements (CSV UTF-8 avec BOM)',
    baseConnectionId: accountId,
    data: { format: 'delimited', properties: { columnDelimiter: ';', encoding: 'utf-8', header: true } },
    params: { path: 'departements/*.csv', recursive: false },
  });
  const datasetId = await create(api, '/api/v1/datasets', {
    name: 'departements',
    schema: {
      fields: [
        { name: 'codeDepartement', type: 'string', required: true },
        { name: 'nom', type: 'string', required: true },
        { name: 'codeRegion', type: 'string' },
        { name: 'chefLieu', type: 'string' },
      ],
    },
    primaryKey: ['codeDepartement'],
  });
  return create(api, '/api/v1/flows', {
    name: demoFlowNames.departements,
    sourceConnectionIds: [sourceId],
    targetDatasetId: datasetId,
    transformations: {
      mapping: [
        { source: 'code_departement', destination: 'codeDepartement' },
        { source: 'nom', destination: 'nom' },
        { source: 'code_region', destination: 'codeRegion' },
        { source: 'chef_lieu', destination: 'chefLieu' },
      ],
    },
    scheduleParams: {
      frequency: 'once',
      startTime: formatInstant(Math.floor((now - 60_000) / 1000) * 1000),
      timezone: 'Europe/Paris',
      backfill: true,
    },
  });
}

/**
 * Creates an hourly flow over an SQLite table placed in windows by its `updated_at` column. The values are UTC
 * wall-clock text and the flow's time zone is UTC, so no zone conversion applies to them.
 */
async function seedPopulations({ api, clock }: SeedDemoOptions, folder: string): Promise<string> {
  const now = clock.now();
  const hour = startOfHour(now);
  const databaseFile = path.join(folder, 'recensement.sqlite');
  writePopulationDatabase(databaseFile, ['74', '971', '972', '973', '974', '976'], now - 27 * demoHourMs, now - 60_000);

  const accountId = await create(api, '/api/v1/connections', {
    name: 'Démo – base SQLite',
    connectionSpec: { id: 'sqlite' },
    auth: { params: { path: databaseFile } },
  });
  const sourceId = await create(api, '/api/v1/sourceConnections', {
    name: 'Table populations',
    baseConnectionId: accountId,
    data: { format: 'tabular' },
    params: { tableName: 'populations' },
  });
  const datasetId = await create(api, '/api/v1/datasets', {
    name: 'populations',
    schema: {
      fields: [
        { name: 'codeInsee', type: 'string', required: true },
        { name: 'nom', type: 'string', required: true },
        { name: 'codeDepartement', type: 'string' },
        { name: 'population', type: 'integer' },
        { name: 'updatedAt', type: 'datetime', required: true },
      ],
    },
    // The table's own key, so that on-demand runs over windows already read update rows in place.
    primaryKey: ['codeInsee'],
  });
  return create(api, '/api/v1/flows', {
    name: demoFlowNames.populations,
    sourceConnectionIds: [sourceId],
    targetDatasetId: datasetId,
    transformations: {
      mapping: [
        { source: 'code_insee', destination: 'codeInsee' },
        { source: 'nom', destination: 'nom' },
        { source: 'code_departement', destination: 'codeDepartement' },
        { source: 'population', destination: 'population' },
        { source: 'updated_at', destination: 'updatedAt', format: 'yyyy-MM-dd HH:mm:ss', timezone: 'UTC' },
      ],
      deltaColumn: { name: 'updated_at' },
    },
    scheduleParams: {
      frequency: 'hour',
      interval: 1,
      startTime: formatInstant(hour - 3 * demoHourMs),
      timezone: 'UTC',
      backfill: true,
    },
  });
}
