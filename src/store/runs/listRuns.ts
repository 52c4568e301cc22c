import type { RunStatus, RunTrigger } from '../../domain/run-state.ts';
import { runFromDb, type Db, type Run, type RunScope } from './run.ts';

export interface RunFilter {
  flowIds?: string[];
  statuses?: RunStatus[];
  triggers?: RunTrigger[];
  /** Runs whose window starts at or after this instant. */
  windowStartFrom?: number;
  /** Runs whose window ends at or before this instant. */
  windowEndTo?: number;
}

/** The position after the last row of a page: keyset pagination on (created_at, id). */
export interface RunCursor {
  createdAt: number;
  id: string;
}

export interface RunPageQuery extends RunFilter {
  limit: number;
  /** Newest first (`desc`, the default order) or oldest first. */
  order: 'asc' | 'desc';
  after?: RunCursor;
}

function filtered(db: Db, scope: RunScope, filter: RunFilter) {
  let query = db.selectFrom('runs').where('org_id', '=', scope.orgId).where('sandbox', '=', scope.sandbox);
  if (filter.flowIds?.length) query = query.where('flow_id', 'in', filter.flowIds);
  if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
  if (filter.triggers?.length) query = query.where('trigger', 'in', filter.triggers);
  if (filter.windowStartFrom !== undefined) query = query.where('window_start', '>=', filter.windowStartFrom);
  if (filter.windowEndTo !== undefined) query = query.where('window_end', '<=', filter.windowEndTo);
  return query;
}

/**
 * Lists one page of runs. The keyset condition on (created_at, id) follows the indexes on
 * (org_id, sandbox, created_at, id) and (flow_id, created_at, id), so a page costs the same at any
 * depth. Returns one row more than `limit` when another page follows.
 */
export async function listRuns(
  db: Db,
  scope: RunScope,
  query: RunPageQuery,
): Promise<{ runs: Run[]; next: RunCursor | null }> {
  const comparison = query.order === 'desc' ? '<' : '>';
  let select = filtered(db, scope, query).selectAll();
  if (query.after) {
    const after = query.after;
    // A row-value comparison, so that both databases seek the index instead of filtering rows.
    select = select.where((eb) => eb(eb.refTuple('created_at', 'id'), comparison, eb.tuple(after.createdAt, after.id)));
  }
  const rows = await select
    .orderBy('created_at', query.order)
    .orderBy('id', query.order)
    .limit(query.limit + 1)
    .execute();

  const runs = rows.slice(0, query.limit).map(runFromDb);
  const last = runs.at(-1);
  const next = rows.length > query.limit && last ? { createdAt: last.createdAt, id: last.id } : null;
  return { runs, next };
}

export async function countRuns(db: Db, scope: RunScope, filter: RunFilter): Promise<number> {
  const row = await filtered(db, scope, filter)
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
