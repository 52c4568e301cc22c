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
 * Takes the next run to execute with a lease and raises its attempt count. The candidate is an
 * `inProgress` run whose lease expired because its worker died, or else the oldest due `scheduled`
 * run whose flow has no run in progress and no earlier window waiting. PostgreSQL locks the
 * candidate with SKIP LOCKED so that concurrent workers pass over each other; SQLite serves one
 * process, where one UPDATE is atomic.
 */
export async function claimRun(store: Store, options: ClaimOptions): Promise<Run | null> {
  // Two queries instead of one with an OR, so that each follows its own index in order and stops at
  // the first eligible row: with the OR, both databases collected and sorted every due run per claim.
  for (const candidates of [expiredLeaseQuery, dueRunQuery]) {
    const run = await claimFirst(store, options, candidates);
    if (run) return run;
  }
  return null;
}

async function claimFirst(
  store: Store,
  options: ClaimOptions,
  candidates: (db: Db, now: number) => ReturnType<typeof dueRunQuery>,
): Promise<Run | null> {
  if (!store.capabilities.supportsSkipLocked) {
    const row = await claimUpdate(store.db, options, candidates(store.db, options.now).select('r.id'));
    return row ? runFromDb(row) : null;
  }

  return store.db.transaction().execute(async (trx) => {
    const candidate = await candidates(trx, options.now).select('r.id').forUpdate().skipLocked().executeTakeFirst();
    if (!candidate) return null;
    const row = await claimUpdate(trx, options, candidate.id);
    return row ? runFromDb(row) : null;
  });
}

/** Selects an `inProgress` run whose lease expired because its worker died, oldest due first. */
function expiredLeaseQuery(db: Db, now: number) {
  return db
    .selectFrom('runs as r')
    .where('r.status', '=', 'inProgress')
    .where('r.lease_expires_at', '<=', now)
    .orderBy('r.due_at')
    .orderBy('r.id')
    .limit(1);
}

/** Selects the oldest due `scheduled` run whose flow has no run in progress and no earlier window waiting. */
function dueRunQuery(db: Db, now: number) {
  return db
    .selectFrom('runs as r')
    .where('r.status', '=', 'scheduled')
    .where('r.due_at', '<=', now)
    .where((eb) =>
      eb.and([
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
                inner.or([
                  inner('earlier.window_start', '<', inner.ref('r.window_start')),
                  inner.and([
                    inner('earlier.window_start', '=', inner.ref('r.window_start')),
                    inner('earlier.due_at', '<', inner.ref('r.due_at')),
                  ]),
                  inner.and([
                    inner('earlier.window_start', '=', inner.ref('r.window_start')),
                    inner('earlier.due_at', '=', inner.ref('r.due_at')),
                    inner('earlier.id', '<', inner.ref('r.id')),
                  ]),
                ]),
              ),
          ),
        ),
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
