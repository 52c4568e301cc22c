import type { SelectQueryBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { newEtag, runFromDb, type Db, type Run } from './run.ts';

export interface ClaimOptions {
  /** Identifies the worker slot that takes the lease. */
  owner: string;
  now: number;
  leaseMs: number;
}

/**
 * Takes the next run to execute with a lease and raises its attempt count. The candidate is the
 * oldest due `scheduled` run whose flow has no run in progress and no earlier window waiting, or an
 * `inProgress` run whose lease expired because its worker died. PostgreSQL locks the candidate with SKIP LOCKED so that
 * concurrent workers pass over each other; SQLite serves one process, where one UPDATE is atomic.
 */
export async function claimRun(store: Store, options: ClaimOptions): Promise<Run | null> {
  if (!store.capabilities.supportsSkipLocked) {
    const row = await claimUpdate(store.db, options, candidateQuery(store.db, options.now).select('r.id'));
    return row ? runFromDb(row) : null;
  }

  return store.db.transaction().execute(async (trx) => {
    const candidate = await candidateQuery(trx, options.now).select('r.id').forUpdate().skipLocked().executeTakeFirst();
    if (!candidate) return null;
    const row = await claimUpdate(trx, options, candidate.id);
    return row ? runFromDb(row) : null;
  });
}

function candidateQuery(db: Db, now: number) {
  return db
    .selectFrom('runs as r')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('r.status', '=', 'scheduled'),
          eb('r.due_at', '<=', now),
          eb.not(
            eb.exists(
              eb
                .selectFrom('runs as busy')
                .select('busy.id')
                .whereRef('busy.flow_id', '=', 'r.flow_id')
                .where('busy.status', '=', 'inProgress'),
            ),
          ),
          eb.not(
            eb.exists(
              eb
                .selectFrom('runs as earlier')
                .select('earlier.id')
                .whereRef('earlier.flow_id', '=', 'r.flow_id')
                .where('earlier.status', '=', 'scheduled')
                .where('earlier.due_at', '<=', now)
                .where((inner) =>
                  inner(
                    inner.refTuple('earlier.window_start', 'earlier.due_at', 'earlier.id'),
                    '<',
                    inner.refTuple('r.window_start', 'r.due_at', 'r.id'),
                  ),
                ),
            ),
          ),
        ]),
        eb.and([eb('r.status', '=', 'inProgress'), eb('r.lease_expires_at', '<=', now)]),
      ]),
    )
    .orderBy('r.due_at')
    .orderBy('r.id')
    .limit(1);
}

// The guard on status and lease repeats the candidate's conditions, so a run that changed in between
// (cancelled, or claimed by another process) is left alone.
async function claimUpdate(
  db: Db,
  options: ClaimOptions,
  id: string | SelectQueryBuilder<Database & { r: Database['runs'] }, 'r', { id: string }>,
) {
  return db
    .updateTable('runs')
    .set((eb) => ({
      status: 'inProgress',
      attempt: eb('attempt', '+', 1),
      lease_owner: options.owner,
      lease_expires_at: options.now + options.leaseMs,
      started_at: options.now,
      completed_at: null,
      etag: newEtag(),
      updated_at: options.now,
    }))
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'scheduled'),
        eb.and([eb('status', '=', 'inProgress'), eb('lease_expires_at', '<=', options.now)]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
}
