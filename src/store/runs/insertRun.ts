import type { RunTrigger } from '../../domain/run-state.ts';
import { emptyMetrics, newEtag, newRunId, runFromDb, type Db, type Run } from './run.ts';

export interface NewRun {
  id?: string;
  orgId: string;
  sandbox: string;
  flowId: string;
  trigger: RunTrigger;
  retryOf?: string | null;
  dueAt: number;
  windowStart: number;
  windowEnd: number;
  deltaColumn?: string | null;
  scheduleKey?: string | null;
  createdBy: string;
}

function toRow(run: NewRun, now: number) {
  return {
    id: run.id ?? newRunId(),
    org_id: run.orgId,
    sandbox: run.sandbox,
    flow_id: run.flowId,
    status: 'scheduled' as const,
    trigger: run.trigger,
    retry_of: run.retryOf ?? null,
    superseded: 0,
    attempt: 0,
    due_at: run.dueAt,
    window_start: run.windowStart,
    window_end: run.windowEnd,
    delta_column: run.deltaColumn ?? null,
    schedule_key: run.scheduleKey ?? null,
    metrics: JSON.stringify(emptyMetrics),
    errors: '[]',
    cancel_requested: 0,
    etag: newEtag(),
    created_at: now,
    updated_at: now,
    created_by: run.createdBy,
  };
}

/** Inserts one run in the `scheduled` state. */
export async function insertRun(db: Db, run: NewRun, now: number): Promise<Run> {
  const row = await db.insertInto('runs').values(toRow(run, now)).returningAll().executeTakeFirstOrThrow();
  return runFromDb(row);
}

/**
 * Inserts scheduled runs, ignoring those whose schedule key exists, so that two schedulers creating
 * the same windows leave one run each. Returns how many rows were inserted.
 */
export async function insertScheduledRuns(db: Db, runs: NewRun[], now: number): Promise<number> {
  if (runs.length === 0) return 0;
  const result = await db
    .insertInto('runs')
    .values(runs.map((run) => toRow(run, now)))
    .onConflict((conflict) => conflict.column('schedule_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
