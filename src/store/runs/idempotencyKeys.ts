import type { Db, RunScope } from './run.ts';

export interface IdempotencyRecord {
  requestHash: string;
  runId: string;
}

export async function findIdempotencyKey(db: Db, scope: RunScope, key: string): Promise<IdempotencyRecord | null> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'run_id'])
    .where('org_id', '=', scope.orgId)
    .where('sandbox', '=', scope.sandbox)
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? { requestHash: row.request_hash, runId: row.run_id } : null;
}

/** Records the run created for a key. Returns false when the key exists already (a concurrent request won). */
export async function insertIdempotencyKey(
  db: Db,
  scope: RunScope,
  key: string,
  record: IdempotencyRecord,
  now: number,
): Promise<boolean> {
  const result = await db
    .insertInto('idempotency_keys')
    .values({
      org_id: scope.orgId,
      sandbox: scope.sandbox,
      key,
      request_hash: record.requestHash,
      run_id: record.runId,
      created_at: now,
    })
    .onConflict((conflict) => conflict.columns(['org_id', 'sandbox', 'key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}
