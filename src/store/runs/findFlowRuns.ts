import type { TimeWindow } from '../../domain/window.ts';
import { runFromDb, type Db, type Run } from './run.ts';

/** Lists the runs of a flow that are not superseded and whose window overlaps `window`. */
export async function findOverlappingRuns(db: Db, flowId: string, window: TimeWindow): Promise<Run[]> {
  const rows = await db
    .selectFrom('runs')
    .selectAll()
    .where('flow_id', '=', flowId)
    .where('superseded', '=', 0)
    .where('window_start', '<', window.endMs)
    .where('window_end', '>', window.startMs)
    .orderBy('window_start')
    .orderBy('created_at')
    .limit(100)
    .execute();
  return rows.map(runFromDb);
}

/** Lists the runs of a flow whose windows overlap the range, oldest first. */
export async function findRunsInRange(db: Db, flowId: string, range: TimeWindow): Promise<Run[]> {
  const rows = await db
    .selectFrom('runs')
    .selectAll()
    .where('flow_id', '=', flowId)
    .where('window_start', '<', range.endMs)
    .where('window_end', '>', range.startMs)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(runFromDb);
}

/** Lists the successful, not yet superseded runs of a flow over exactly this window. */
export async function findSucceededRunsOfWindow(db: Db, flowId: string, window: TimeWindow): Promise<Run[]> {
  const rows = await db
    .selectFrom('runs')
    .selectAll()
    .where('flow_id', '=', flowId)
    .where('status', '=', 'success')
    .where('superseded', '=', 0)
    .where('window_start', '=', window.startMs)
    .where('window_end', '=', window.endMs)
    .execute();
  return rows.map(runFromDb);
}

/** Lists the runs of a flow that wait to start, by due time. */
export async function findWaitingRuns(db: Db, flowId: string, limit: number): Promise<Run[]> {
  const rows = await db
    .selectFrom('runs')
    .selectAll()
    .where('flow_id', '=', flowId)
    .where('status', '=', 'scheduled')
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(runFromDb);
}
