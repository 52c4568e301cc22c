import { newEtag, type Db, type RunMetrics } from './run.ts';

export interface LeaseRenewal {
  runId: string;
  owner: string;
  now: number;
  leaseMs: number;
  metrics: RunMetrics;
}

/**
 * Extends a worker's lease and records progress in the same write, about once a second. Returns
 * null when the worker no longer holds the run (its lease expired and another worker took it, or
 * the run ended), else whether a cancel was requested.
 */
export async function renewLease(db: Db, renewal: LeaseRenewal): Promise<{ cancelRequested: boolean } | null> {
  const row = await db
    .updateTable('runs')
    .set({
      lease_expires_at: renewal.now + renewal.leaseMs,
      metrics: JSON.stringify(renewal.metrics),
      etag: newEtag(),
      updated_at: renewal.now,
    })
    .where('id', '=', renewal.runId)
    .where('status', '=', 'inProgress')
    .where('lease_owner', '=', renewal.owner)
    .returning('cancel_requested')
    .executeTakeFirst();
  return row ? { cancelRequested: Number(row.cancel_requested) === 1 } : null;
}

/**
 * Gives a run back on a graceful stop: the lease ends now, so the next claim takes it again at once
 * with its attempt count raised.
 */
export async function releaseLease(db: Db, runId: string, owner: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('runs')
    .set({ lease_expires_at: now, lease_owner: null, etag: newEtag(), updated_at: now })
    .where('id', '=', runId)
    .where('status', '=', 'inProgress')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
