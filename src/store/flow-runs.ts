import type { Kysely } from 'kysely';
import type { Database, RunsTable } from './schema.ts';
import type { Scope } from './tenancy.ts';

// Run facts that the flow routes show or change: the last run of each flow in a list, and the
// cancellation of a deleted flow's pending runs.

export interface LatestRun {
  id: string;
  status: RunsTable['status'];
  windowStart: number;
  windowEnd: number;
  createdAt: number;
  completedAt: number | null;
}

/** Finds the newest run of each flow, with one query per flow on the (flow_id, created_at) index. */
export async function latestRunsOfFlows(
  db: Kysely<Database>,
  scope: Scope,
  flowIds: string[],
): Promise<Map<string, LatestRun>> {
  const result = new Map<string, LatestRun>();
  for (const flowId of flowIds) {
    const run = await db
      .selectFrom('runs')
      .select(['id', 'status', 'window_start', 'window_end', 'created_at', 'completed_at'])
      .where('flow_id', '=', flowId)
      .where('org_id', '=', scope.orgId)
      .where('sandbox', '=', scope.sandbox)
      // Runs created in one scheduler pass share created_at; the latest window is the last run then.
      .orderBy('created_at', 'desc')
      .orderBy('window_end', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (run) {
      result.set(flowId, {
        id: run.id,
        status: run.status,
        windowStart: run.window_start,
        windowEnd: run.window_end,
        createdAt: run.created_at,
        completedAt: run.completed_at,
      });
    }
  }
  return result;
}

export async function cancelScheduledRunsOfFlow(
  db: Kysely<Database>,
  scope: Scope,
  flowId: string,
  nowMs: number,
): Promise<void> {
  await db
    .updateTable('runs')
    .set({ status: 'cancelled', completed_at: nowMs, updated_at: nowMs })
    .where('flow_id', '=', flowId)
    .where('org_id', '=', scope.orgId)
    .where('sandbox', '=', scope.sandbox)
    .where('status', '=', 'scheduled')
    .execute();
}
