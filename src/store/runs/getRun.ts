import { runFromDb, type Db, type Run, type RunScope } from './run.ts';

/** Reads one run; with a scope, a run of another organization or sandbox reads as missing. */
export async function getRun(db: Db, id: string, scope?: RunScope): Promise<Run | null> {
  let query = db.selectFrom('runs').selectAll().where('id', '=', id);
  if (scope) query = query.where('org_id', '=', scope.orgId).where('sandbox', '=', scope.sandbox);
  const row = await query.executeTakeFirst();
  return row ? runFromDb(row) : null;
}

/** Reads the runs that a run retries, nearest first, following `retry_of`. */
export async function getRetryChain(db: Db, run: Run): Promise<Run[]> {
  const chain: Run[] = [];
  const seen = new Set([run.id]);
  let next = run.retryOf;
  while (next && !seen.has(next)) {
    seen.add(next);
    const ancestor = await getRun(db, next);
    if (!ancestor) break;
    chain.push(ancestor);
    next = ancestor.retryOf;
  }
  return chain;
}
