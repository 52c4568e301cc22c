import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ConnectorError } from '../../src/connectors/types.ts';
import { openWarehouse } from '../../src/datasets/warehouse.ts';
import type { DatasetDefinition, Warehouse } from '../../src/datasets/types.ts';
import type { Config } from '../../src/config/config.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { PreparedRun, RunPreparer, SourceBatch } from '../../src/engine/pipeline.ts';
import type { Db, Run } from '../../src/store/runs/run.ts';
import { dropPostgresSchema, makeTempDir, postgresUrl, uniqueSchemaName } from '../support/backends.ts';

// A small in-memory source for engine tests: each window yields one record per minute of data
// time, so the rows of each window are known. Faults are injected through its options.

export const dataset: DatasetDefinition = {
  id: 'ds-engine-test',
  schema: {
    fields: [
      { name: 'id', type: 'string', required: true },
      { name: 'at', type: 'integer' },
    ],
  },
};

export interface SourceOptions {
  /** Records per source batch. */
  batchSize?: number;
  /** Thrown by the first n opens, as transient connector errors. */
  transientFailures?: number;
  /** Thrown by every open. */
  permanentError?: ConnectorError;
  /** Every nth record fails to map and becomes a row error. */
  badEvery?: number;
  /** After the first batch, waits until this file exists before reading on. */
  gateFile?: string;
  /** Appends the run id to this file each time a run opens the source. */
  executionLog?: string;
  /** Caps the records of one window, so that wide windows stay small. */
  maxRecords?: number;
}

export interface MemorySource {
  preparer: RunPreparer;
  opens: number;
}

export function memorySource(warehouse: Warehouse, options: SourceOptions = {}, thresholdPercent = 5): MemorySource {
  const state: MemorySource = { opens: 0, preparer: { prepare: async (run) => prepared(run) } };

  const prepared = (run: Run): PreparedRun => ({
    errorThresholdPercent: thresholdPercent,
    source: {
      open: async () => {
        state.opens += 1;
        if (options.executionLog) fs.appendFileSync(options.executionLog, `${run.id}\n`);
        if (options.permanentError) throw options.permanentError;
        if (state.opens <= (options.transientFailures ?? 0)) {
          throw new ConnectorError('SOURCE_UNREACHABLE', 'connect ECONNREFUSED 127.0.0.1:1', true);
        }
        return { totalBytes: null, fileCount: 1, batches: batches(run, options), close: async () => {} };
      },
    },
    sink: {
      findCommittedBatch: async (runId) => warehouse.findCommittedBatch(runId),
      openBatch: async (runId) => {
        await warehouse.ensureDataset(dataset);
        return warehouse.openBatch(dataset, runId);
      },
    },
  });
  return state;
}

/** Returns the number of records a window yields: one per minute of data time. */
export function recordsOfWindow(run: Pick<Run, 'windowStart' | 'windowEnd'>, maxRecords = 1000): number {
  return Math.min(maxRecords, Math.floor((run.windowEnd - run.windowStart) / 60_000));
}

async function* batches(run: Run, options: SourceOptions): AsyncGenerator<SourceBatch> {
  const total = recordsOfWindow(run, options.maxRecords);
  const size = options.batchSize ?? 100;
  for (let offset = 0, index = 0; offset < total; offset += size, index += 1) {
    if (index === 1 && options.gateFile) await waitForFile(options.gateFile);
    const batch: SourceBatch = { rows: [], rowErrors: [], inputRecords: 0, failedRecords: 0, bytesRead: 0 };
    for (let i = offset; i < Math.min(total, offset + size); i += 1) {
      const at = run.windowStart + i * 60_000;
      batch.inputRecords += 1;
      batch.bytesRead += 20;
      if (options.badEvery && (i + 1) % options.badEvery === 0) {
        batch.failedRecords += 1;
        batch.rowErrors.push({
          origin: 'memory',
          rowNumber: i + 1,
          field: 'at',
          code: 'INVALID_INTEGER',
          message: 'not an integer',
          rawValue: 'x',
        });
        continue;
      }
      batch.rows.push({ id: `${at}`, at });
    }
    yield batch;
  }
}

async function waitForFile(file: string): Promise<void> {
  while (!fs.existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 20));
}

export interface TestWarehouse {
  warehouse: Warehouse;
  url: string;
  schema?: string;
  close(): Promise<void>;
}

/** Opens a fresh warehouse of the same kind as the metadata backend, for one test. */
export async function openTestWarehouse(kind: 'sqlite' | 'postgres'): Promise<TestWarehouse> {
  if (kind === 'sqlite') {
    const url = `sqlite:${path.join(makeTempDir(), 'warehouse.db')}`;
    const warehouse = await openWarehouse({ url });
    return { warehouse, url, close: () => warehouse.close() };
  }
  const schema = uniqueSchemaName('wh');
  const warehouse = await openWarehouse({ url: postgresUrl, schema, poolSize: 4 });
  return {
    warehouse,
    url: postgresUrl,
    schema,
    close: async () => {
      await warehouse.close();
      await dropPostgresSchema(schema);
    },
  };
}

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Engine settings for tests: short leases and a fast heartbeat, so recovery happens in seconds. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ TRIBUTARY_DATA_DIR: makeTempDir() }),
    leaseSeconds: 2,
    heartbeatIntervalMs: 50,
    pollIntervalMs: 20,
    schedulerIntervalMs: 50,
    transientRetryBaseDelayMs: 5,
    ...overrides,
  };
}

export interface FlowFixture {
  id: string;
  orgId?: string;
  sandbox?: string;
  schedule?: Record<string, unknown>;
  state?: 'enabled' | 'disabled';
  deltaColumn?: string | null;
  scheduleCursor?: number | null;
}

/** Inserts a flow row as the flows API would store it. */
export async function insertFlow(db: Db, flow: FlowFixture, now = Date.parse('2026-01-01T00:00:00Z')): Promise<void> {
  await db
    .insertInto('flows')
    .values({
      id: flow.id,
      org_id: flow.orgId ?? 'org1',
      sandbox: flow.sandbox ?? 'prod',
      name: `flow ${flow.id}`,
      description: null,
      etag: 'e1',
      created_at: now,
      updated_at: now,
      created_by: 'user1',
      source_connection_ids: '["src1"]',
      target_dataset_id: dataset.id,
      transformations: '{"mapping":[]}',
      schedule: JSON.stringify(
        flow.schedule ?? { frequency: 'hour', interval: 1, startTime: '2026-01-01T00:00:00Z', timezone: 'UTC' },
      ),
      options: '{"errorThresholdPercent":5}',
      state: flow.state ?? 'enabled',
      delta_column: flow.deltaColumn ?? null,
      schedule_cursor: flow.scheduleCursor ?? null,
      disabled_at: null,
    })
    .execute();
}

export { dropPostgresSchema };
