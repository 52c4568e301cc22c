import type { Logger } from 'pino';
import { parseScheduleParams, windowsAfter, type Schedule, type ScheduledWindow } from '../domain/schedule.ts';
import type { Clock } from '../domain/time.ts';
import { advanceScheduleCursor, listEnabledFlows, type FlowRow } from '../store/runs/flowsForRuns.ts';
import { insertScheduledRuns } from '../store/runs/insertRun.ts';
import { scheduleKey, type Db } from '../store/runs/run.ts';
import { Sleeper } from './sleeper.ts';

export interface SchedulerOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
}

// A flow far behind (a start time months ago) is caught up over several ticks, this many windows
// at a time, so that one transaction stays small. Without catch-up the windows become one run, so
// the bound only keeps a broken schedule from looping for ever.
const MAX_WINDOWS_PER_TICK = 500;
const MAX_MERGED_WINDOWS = 1_000_000;

/**
 * Turns the schedules of enabled flows into runs whose due time has come. Each flow's cursor (the
 * end of its newest scheduled window) moves by compare-and-set in the transaction that inserts the
 * runs, and runs are unique per flow and window, so several schedulers never create a run twice.
 */
export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #sleeper = new Sleeper();
  #stopping = false;
  #loop: Promise<void> | null = null;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#sleeper.wake();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      try {
        await this.tick();
      } catch (error) {
        this.#options.logger.error({ err: error }, 'scheduler tick failed');
      }
      await this.#sleeper.sleep(this.#options.intervalMs);
    }
  }

  /** Creates the runs that are due now for every enabled flow. Returns how many it created. */
  async tick(): Promise<number> {
    const flows = await listEnabledFlows(this.#options.db);
    let created = 0;
    for (const flow of flows) {
      try {
        created += await this.scheduleFlow(flow);
      } catch (error) {
        this.#options.logger.error({ err: error, flowId: flow.id }, 'scheduling a flow failed');
      }
    }
    return created;
  }

  async scheduleFlow(flow: FlowRow): Promise<number> {
    const { db, clock, logger } = this.#options;
    let schedule: Schedule;
    try {
      schedule = parseScheduleParams(JSON.parse(flow.schedule));
    } catch (error) {
      logger.warn({ err: error, flowId: flow.id }, 'flow has an invalid schedule; no runs created');
      return 0;
    }

    const cursor = flow.schedule_cursor === null ? null : Number(flow.schedule_cursor);
    const due = dueWindows(schedule, cursor, clock.now(), schedule.catchup ? MAX_WINDOWS_PER_TICK : MAX_MERGED_WINDOWS);
    if (due.length === 0) return 0;
    const windows = schedule.catchup ? due : [mergeWindows(due)];
    const newCursor = due[due.length - 1]!.endMs;

    return db.transaction().execute(async (trx) => {
      if (!(await advanceScheduleCursor(trx, flow.id, cursor, newCursor))) return 0;
      const inserted = await insertScheduledRuns(
        trx,
        windows.map((window) => ({
          orgId: flow.org_id,
          sandbox: flow.sandbox,
          flowId: flow.id,
          trigger: 'schedule' as const,
          dueAt: window.dueAt,
          windowStart: window.startMs,
          windowEnd: window.endMs,
          deltaColumn: flow.delta_column,
          scheduleKey: scheduleKey(flow.id, window.startMs, window.endMs),
          createdBy: flow.created_by,
        })),
        clock.now(),
      );
      if (inserted > 0) logger.info({ flowId: flow.id, runs: inserted }, 'scheduled runs created');
      return inserted;
    });
  }
}

function dueWindows(schedule: Schedule, cursor: number | null, now: number, max: number): ScheduledWindow[] {
  const due: ScheduledWindow[] = [];
  for (const window of windowsAfter(schedule, cursor)) {
    if (window.dueAt > now || due.length >= max) break;
    due.push(window);
  }
  return due;
}

// With catch-up off, the missed windows become one run over all the missed time, due at once.
function mergeWindows(windows: ScheduledWindow[]): ScheduledWindow {
  const last = windows[windows.length - 1]!;
  return { startMs: windows[0]!.startMs, endMs: last.endMs, dueAt: last.dueAt };
}
