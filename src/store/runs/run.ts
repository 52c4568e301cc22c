import crypto from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { RunStatus, RunTrigger } from '../../domain/run-state.ts';
import type { Database, RunsTable } from '../schema.ts';

// The domain view of a run row: booleans as booleans, JSON columns parsed. `DbRun` stays inside the
// store, and the layers above it use `Run`.

export type Db = Kysely<Database>;
export type DbRun = Selectable<RunsTable>;

/** Counters of one run, written at each heartbeat and at the end. */
export interface RunMetrics {
  inputRecordCount: number;
  outputRecordCount: number;
  failedRecordCount: number;
  inputBytes: number;
  outputBytes: number;
  inputFileCount: number;
  recordsRead: number;
  bytesRead: number;
  totalBytes: number | null;
}

export interface RunError {
  code: string;
  message: string;
}

export interface Run {
  id: string;
  orgId: string;
  sandbox: string;
  flowId: string;
  status: RunStatus;
  trigger: RunTrigger;
  retryOf: string | null;
  superseded: boolean;
  attempt: number;
  dueAt: number;
  windowStart: number;
  windowEnd: number;
  deltaColumn: string | null;
  scheduleKey: string | null;
  metrics: RunMetrics;
  errors: RunError[];
  batchId: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  cancelRequested: boolean;
  startedAt: number | null;
  completedAt: number | null;
  etag: string;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
}

/** The tenant scope of a user request; claims and the scheduler work across scopes. */
export interface RunScope {
  orgId: string;
  sandbox: string;
}

export const emptyMetrics: RunMetrics = {
  inputRecordCount: 0,
  outputRecordCount: 0,
  failedRecordCount: 0,
  inputBytes: 0,
  outputBytes: 0,
  inputFileCount: 0,
  recordsRead: 0,
  bytesRead: 0,
  totalBytes: null,
};

export function runFromDb(row: DbRun): Run {
  return {
    id: row.id,
    orgId: row.org_id,
    sandbox: row.sandbox,
    flowId: row.flow_id,
    status: row.status,
    trigger: row.trigger,
    retryOf: row.retry_of,
    superseded: Number(row.superseded) === 1,
    attempt: Number(row.attempt),
    dueAt: Number(row.due_at),
    windowStart: Number(row.window_start),
    windowEnd: Number(row.window_end),
    deltaColumn: row.delta_column,
    scheduleKey: row.schedule_key,
    metrics: { ...emptyMetrics, ...(JSON.parse(row.metrics) as Partial<RunMetrics>) },
    errors: JSON.parse(row.errors) as RunError[],
    batchId: row.batch_id,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
    cancelRequested: Number(row.cancel_requested) === 1,
    startedAt: row.started_at === null ? null : Number(row.started_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
    etag: row.etag,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    createdBy: row.created_by,
  };
}

export { newRunId } from './run-id.ts';

/** Returns a new entity tag. Every write to a run row sets one. */
export function newEtag(): string {
  return crypto.randomBytes(8).toString('hex');
}

/** Returns the unique key of a scheduled run, so that concurrent schedulers never create one twice. */
export function scheduleKey(flowId: string, windowStart: number, windowEnd: number): string {
  return `${flowId}:${windowStart}:${windowEnd}`;
}
