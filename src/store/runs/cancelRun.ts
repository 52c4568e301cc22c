import { newEtag, runFromDb, type Db, type Run, type RunError } from './run.ts';

/**
 * Cancels a run on a user's request. A scheduled run becomes `cancelled` at once. An in-progress run
 * gets a cancel request that its worker acts on at its next heartbeat, because the worker owns the
 * staging batch and drops it. Returns the run after the change, or null when it had already ended.
 */
export async function cancelRun(db: Db, runId: string, now: number): Promise<Run | null> {
  const errors: RunError[] = [{ code: 'RUN_CANCELLED', message: 'The run was cancelled by a user.' }];
  const scheduled = await db
    .updateTable('runs')
    .set({ status: 'cancelled', errors: JSON.stringify(errors), completed_at: now, etag: newEtag(), updated_at: now })
    .where('id', '=', runId)
    .where('status', '=', 'scheduled')
    .returningAll()
    .executeTakeFirst();
  if (scheduled) return runFromDb(scheduled);

  const running = await db
    .updateTable('runs')
    .set({ cancel_requested: 1, etag: newEtag(), updated_at: now })
    .where('id', '=', runId)
    .where('status', '=', 'inProgress')
    .returningAll()
    .executeTakeFirst();
  return running ? runFromDb(running) : null;
}
