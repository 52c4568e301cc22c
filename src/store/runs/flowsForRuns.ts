import type { Selectable } from 'kysely';
import type { FlowsTable } from '../schema.ts';
import type { Db, RunScope } from './run.ts';

// The flow columns that runs need. The flows API owns the rest of the flows table. These queries
// read flows for the scheduler and the executor, and write only the schedule cursor and the delta
// column, because runs decide those.

export type FlowRow = Selectable<FlowsTable>;

/** Reads a flow; with a scope, a flow of another organization or sandbox reads as missing. */
export async function loadFlow(db: Db, id: string, scope?: RunScope): Promise<FlowRow | null> {
  let query = db.selectFrom('flows').selectAll().where('id', '=', id);
  if (scope) query = query.where('org_id', '=', scope.orgId).where('sandbox', '=', scope.sandbox);
  return (await query.executeTakeFirst()) ?? null;
}

/** Lists the enabled flows, whose schedules the scheduler turns into runs. */
export async function listEnabledFlows(db: Db): Promise<FlowRow[]> {
  return db.selectFrom('flows').selectAll().where('state', '=', 'enabled').orderBy('id').execute();
}

/**
 * Moves a flow's schedule cursor from `from` to `to` only if it still is at `from`, so that of two
 * schedulers working at once only one creates the windows in between. Returns whether it moved.
 */
export async function advanceScheduleCursor(db: Db, flowId: string, from: number | null, to: number): Promise<boolean> {
  let query = db.updateTable('flows').set({ schedule_cursor: to }).where('id', '=', flowId);
  query = from === null ? query.where('schedule_cursor', 'is', null) : query.where('schedule_cursor', '=', from);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Sets a flow's delta column if it has none yet. Returns the column the flow has afterwards. */
export async function setFlowDeltaColumn(db: Db, flowId: string, name: string): Promise<string | null> {
  await db
    .updateTable('flows')
    .set({ delta_column: name })
    .where('id', '=', flowId)
    .where('delta_column', 'is', null)
    .execute();
  const row = await db.selectFrom('flows').select('delta_column').where('id', '=', flowId).executeTakeFirst();
  return row?.delta_column ?? null;
}
