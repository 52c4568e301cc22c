import { newEtag, type Db, type RunError, type RunMetrics } from './run.ts';

export interface RunCompletion {
  runId: string;
  owner: string;
  now: number;
  metrics: RunMetrics;
  batchId: string | null;
  /** Runs whose batches this run's batch replaced; they are marked superseded. */
  supersededRunIds: string[];
}

/**
 * Marks a run `success` with its metrics and batch, and the runs it replaced `superseded`, in one
 * transaction. Returns false, changing nothing, when the worker's lease on the run has ended.
 */
export async function completeRun(db: Db, completion: RunCompletion): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('runs')
      .set({
        status: 'success',
        metrics: JSON.stringify(completion.metrics),
        batch_id: completion.batchId,
        lease_owner: null,
        lease_expires_at: null,
        completed_at: completion.now,
        etag: newEtag(),
        updated_at: completion.now,
      })
      .where('id', '=', completion.runId)
      .where('status', '=', 'inProgress')
      .where('lease_owner', '=', completion.owner)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;

    if (completion.supersededRunIds.length > 0) {
      await trx
        .updateTable('runs')
        .set({ superseded: 1, etag: newEtag(), updated_at: completion.now })
        .where('id', 'in', completion.supersededRunIds)
        .where('superseded', '=', 0)
        .execute();
    }
    return true;
  });
}

export interface RunEnding {
  runId: string;
  owner: string;
  now: number;
  status: 'failed' | 'cancelled';
  metrics: RunMetrics;
  errors: RunError[];
}

/** Ends a held run as failed or cancelled. Returns false when the worker's lease on it has ended. */
export async function endRun(db: Db, ending: RunEnding): Promise<boolean> {
  const result = await db
    .updateTable('runs')
    .set({
      status: ending.status,
      metrics: JSON.stringify(ending.metrics),
      errors: JSON.stringify(ending.errors),
      lease_owner: null,
      lease_expires_at: null,
      completed_at: ending.now,
      etag: newEtag(),
      updated_at: ending.now,
    })
    .where('id', '=', ending.runId)
    .where('status', '=', 'inProgress')
    .where('lease_owner', '=', ending.owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
