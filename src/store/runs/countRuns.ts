import type { RunStatus } from '../../domain/run-state.ts';
import type { Db } from './run.ts';

/** Counts runs per status over every organization, for the metrics endpoint. */
export async function countRunsByStatus(db: Db): Promise<Map<RunStatus, number>> {
  const rows = await db
    .selectFrom('runs')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('count')])
    .groupBy('status')
    .execute();
  return new Map(rows.map((row) => [row.status, Number(row.count)]));
}

/** Counts the scheduled runs that are due: the queue the workers have yet to take. */
export async function countDueRuns(db: Db, now: number): Promise<number> {
  const row = await db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('status', '=', 'scheduled')
    .where('due_at', '<=', now)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
