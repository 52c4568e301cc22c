import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { notFound, TributaryError } from '../domain/errors.ts';
import {
  isCancellable,
  isRetryable,
  runStatuses,
  runTriggers,
  type RunStatus,
  type RunTrigger,
} from '../domain/run-state.ts';
import { parseScheduleParams, windowsAfter, windowsFrom, type Schedule } from '../domain/schedule.ts';
import { formatInstant, parseInstant, type Clock } from '../domain/time.ts';
import { assertWindowOrder, clipToRange, sameWindow, windowsOverlap, type TimeWindow } from '../domain/window.ts';
import { cancelRun } from '../store/runs/cancelRun.ts';
import { findOverlappingRuns, findRunsInRange, findWaitingRuns } from '../store/runs/findFlowRuns.ts';
import { loadFlow, setFlowDeltaColumn, type FlowRow } from '../store/runs/flowsForRuns.ts';
import { getRun } from '../store/runs/getRun.ts';
import { findIdempotencyKey, insertIdempotencyKey } from '../store/runs/idempotencyKeys.ts';
import { insertRun, type NewRun } from '../store/runs/insertRun.ts';
import { countRuns, listRuns, type RunCursor, type RunFilter } from '../store/runs/listRuns.ts';
import { countRowErrors, listRowErrors, type StoredRowError } from '../store/runs/rowErrors.ts';
import type { Db, Run, RunScope } from '../store/runs/run.ts';
import type { SourceInspector } from './real-pipeline.ts';

// The operations behind the runs API. Every rejection has its own catalogue code and a message that
// names the field, the value and the fix.

export interface RunServiceOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  inspector: SourceInspector;
}

/** The caller: the scope every query is filtered by, and the user recorded as creator. */
export interface Caller extends RunScope {
  userId: string;
}

export interface OnDemandRequest {
  flowId?: unknown;
  params?: {
    startTime?: unknown;
    windowStartTime?: unknown;
    windowEndTime?: unknown;
    deltaColumn?: { name?: unknown } | null;
  };
}

export interface OverlapWarning {
  code: 'WINDOW_OVERLAP';
  message: string;
  runId: string;
  status: RunStatus;
  windowStartTime: string;
  windowEndTime: string;
}

export interface BackfillRequest {
  windowStartTime?: unknown;
  windowEndTime?: unknown;
  reprocess?: unknown;
  dryRun?: unknown;
}

export interface BackfillWindow {
  windowStartTime: string;
  windowEndTime: string;
  action: 'create' | 'skip';
  /** The reason a window is skipped, or the kind of run it gets. */
  reason: 'new' | 'succeeded' | 'failed' | 'pending' | 'reprocess';
  existingRunId: string | null;
  runId: string | null;
}

export interface RunListQuery extends RunFilter {
  limit: number;
  order: 'asc' | 'desc';
  continuationToken?: string;
}

export interface UpcomingRun {
  runId: string | null;
  trigger: RunTrigger;
  startTime: string;
  windowStartTime: string;
  windowEndTime: string;
}

/** Ranges a backfill may split into, so that one request cannot create an unbounded number of runs. */
export const MAX_BACKFILL_WINDOWS = 1000;
const ROW_ERROR_PAGE = 100;
const CSV_PAGE = 5000;
const UPCOMING_MIN = 10;
const UPCOMING_MAX = 500;
const UPCOMING_HORIZON_MS = 24 * 3_600_000;

export class RunService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #inspector: SourceInspector;

  constructor(options: RunServiceOptions) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#inspector = options.inspector;
  }

  /**
   * Creates an on-demand run. With an idempotency key, a repeated request returns the first run
   * (`created: false`); the same key with another body is rejected.
   */
  async createOnDemandRun(
    caller: Caller,
    request: OnDemandRequest,
    idempotencyKey?: string,
  ): Promise<{ run: Run; warnings: OverlapWarning[]; created: boolean }> {
    const requestHash = hashRequest(request);
    if (idempotencyKey) {
      const previous = await this.#replayIdempotent(caller, idempotencyKey, requestHash);
      if (previous) return { run: previous, warnings: [], created: false };
    }

    const flow = await this.#requireEnabledFlow(caller, request.flowId);
    const params = request.params ?? {};
    const now = this.#clock.now();
    const startMs =
      params.startTime === undefined || params.startTime === null
        ? now
        : parseInstant(params.startTime, 'params.startTime');
    const window = {
      startMs: parseRequiredTime(params.windowStartTime, 'params.windowStartTime'),
      endMs: parseRequiredTime(params.windowEndTime, 'params.windowEndTime'),
    };
    assertWindowOrder(window, 'params.windowStartTime', 'params.windowEndTime');
    if (window.endMs > startMs) {
      throw new TributaryError(
        'WINDOW_END_AFTER_START',
        `params.windowEndTime ${formatInstant(window.endMs)} is after params.startTime ${formatInstant(startMs)}; ` +
          `a run cannot fetch data from after its own start, so end the window at or before the start time.`,
        { errors: [{ path: 'params.windowEndTime', message: 'after the ingestion start time' }] },
      );
    }
    const deltaColumn = await this.#resolveDeltaColumn(flow, params.deltaColumn);
    const warnings = overlapWarnings(await findOverlappingRuns(this.#db, flow.id, window));

    const run = await this.#db
      .transaction()
      .execute(async (trx) => {
        if (deltaColumn.setsFlow && (await setFlowDeltaColumn(trx, flow.id, deltaColumn.name!)) !== deltaColumn.name) {
          throw immutableDeltaColumn(deltaColumn.name!, flow.delta_column ?? 'another column');
        }
        const created = await insertRun(
          trx,
          {
            orgId: caller.orgId,
            sandbox: caller.sandbox,
            flowId: flow.id,
            trigger: 'onDemand',
            dueAt: startMs,
            windowStart: window.startMs,
            windowEnd: window.endMs,
            deltaColumn: deltaColumn.name,
            createdBy: caller.userId,
          },
          now,
        );
        if (
          idempotencyKey &&
          !(await insertIdempotencyKey(trx, caller, idempotencyKey, { requestHash, runId: created.id }, now))
        ) {
          throw new IdempotencyRace();
        }
        return created;
      })
      .catch(async (error: unknown) => {
        if (!(error instanceof IdempotencyRace) || !idempotencyKey) throw error;
        const winner = await this.#replayIdempotent(caller, idempotencyKey, requestHash);
        if (!winner) throw error;
        return winner;
      });

    this.#logger.info({ runId: run.id, flowId: flow.id }, 'on-demand run created');
    return { run, warnings, created: true };
  }

  /** Creates a new run over the same window, which replaces the original's batch when it succeeds. */
  async retrigger(caller: Caller, runId: string): Promise<Run> {
    const original = await this.getRun(caller, runId);
    if (!isRetryable(original.status)) {
      throw new TributaryError(
        'RUN_NOT_RETRYABLE',
        `Run '${runId}' is ${original.status}; only failed, cancelled or succeeded runs can be re-triggered, so wait until it ends or cancel it first.`,
      );
    }
    const flow = await loadFlow(this.#db, original.flowId, caller);
    if (!flow) throw notFound('flow', original.flowId);

    const run = await insertRun(
      this.#db,
      {
        orgId: caller.orgId,
        sandbox: caller.sandbox,
        flowId: original.flowId,
        trigger: 'retry',
        retryOf: original.id,
        dueAt: this.#clock.now(),
        windowStart: original.windowStart,
        windowEnd: original.windowEnd,
        deltaColumn: original.deltaColumn,
        createdBy: caller.userId,
      },
      this.#clock.now(),
    );
    this.#logger.info({ runId: run.id, retryOf: original.id, flowId: run.flowId }, 'run re-triggered');
    return run;
  }

  /** Cancels a scheduled run at once, or requests the worker of an in-progress run to stop it. */
  async cancel(caller: Caller, runId: string): Promise<Run> {
    const run = await this.getRun(caller, runId);
    const notCancellable = (status: RunStatus) =>
      new TributaryError(
        'RUN_NOT_CANCELLABLE',
        `Run '${runId}' is ${status}, a terminal state; only scheduled or in-progress runs can be cancelled.`,
      );
    if (!isCancellable(run.status)) throw notCancellable(run.status);

    const cancelled = await cancelRun(this.#db, run.id, this.#clock.now());
    if (!cancelled) throw notCancellable((await this.getRun(caller, runId)).status);
    this.#logger.info({ runId: run.id, flowId: run.flowId, status: cancelled.status }, 'run cancel requested');
    return cancelled;
  }

  /**
   * Splits a range into the flow's own windows and creates one run per window, skipping windows
   * that have a run pending, and windows that succeeded (or failed) unless `reprocess` requests to run
   * them again. A window run again is a retry of its latest run, so its batch replaces the old one.
   */
  async backfill(
    caller: Caller,
    flowId: string,
    request: BackfillRequest,
  ): Promise<{ dryRun: boolean; windows: BackfillWindow[] }> {
    const flow = await this.#requireEnabledFlow(caller, flowId);
    const now = this.#clock.now();
    const range = {
      startMs: parseRequiredTime(request.windowStartTime, 'windowStartTime'),
      endMs: parseRequiredTime(request.windowEndTime, 'windowEndTime'),
    };
    assertWindowOrder(range, 'windowStartTime', 'windowEndTime');
    if (range.endMs > now) {
      throw new TributaryError(
        'WINDOW_END_AFTER_START',
        `windowEndTime ${formatInstant(range.endMs)} is in the future; a backfill fetches past data, so end the range at or before now (${formatInstant(now)}).`,
        { errors: [{ path: 'windowEndTime', message: 'in the future' }] },
      );
    }
    const reprocess = parseReprocess(request.reprocess);
    const dryRun = parseDryRun(request.dryRun);

    const pieces = splitRange(parseScheduleParams(JSON.parse(flow.schedule)), range);
    if (pieces.length > MAX_BACKFILL_WINDOWS) {
      throw new TributaryError(
        'BACKFILL_TOO_LARGE',
        `The range ${formatInstant(range.startMs)} to ${formatInstant(range.endMs)} splits into more than ${MAX_BACKFILL_WINDOWS} windows; backfill a shorter range at a time.`,
        { errors: [{ path: 'windowStartTime', message: 'range too large' }] },
      );
    }

    const existing = await findRunsInRange(this.#db, flow.id, range);
    const windows: BackfillWindow[] = [];
    for (const piece of pieces) {
      const live = existing.filter(
        (run) => !run.superseded && windowsOverlap(piece, { startMs: run.windowStart, endMs: run.windowEnd }),
      );
      const latest = live.filter((run) => sameWindow(piece, { startMs: run.windowStart, endMs: run.windowEnd })).at(-1);
      const { decision, existingRun } = latest
        ? { decision: decide(latest, reprocess), existingRun: latest }
        : decideWithoutExactRun(piece, live);
      const entry: BackfillWindow = {
        windowStartTime: formatInstant(piece.startMs),
        windowEndTime: formatInstant(piece.endMs),
        action: decision.create ? 'create' : 'skip',
        reason: decision.reason,
        existingRunId: existingRun?.id ?? null,
        runId: null,
      };
      if (decision.create && !dryRun) {
        const run = await insertRun(
          this.#db,
          backfillRun(caller, flow, piece, now, decision.create ? latest : undefined),
          now,
        );
        entry.runId = run.id;
      }
      windows.push(entry);
    }
    if (!dryRun) {
      this.#logger.info({ flowId: flow.id, runs: windows.filter((w) => w.runId).length }, 'backfill runs created');
    }
    return { dryRun, windows };
  }

  async getRun(caller: RunScope, runId: string): Promise<Run> {
    const run = await getRun(this.#db, runId, caller);
    if (!run) throw notFound('run', runId);
    return run;
  }

  async listRuns(caller: RunScope, query: RunListQuery): Promise<{ runs: Run[]; continuationToken: string | null }> {
    const after = query.continuationToken ? decodeRunToken(query.continuationToken, query.order) : undefined;
    const page = await listRuns(this.#db, caller, { ...query, ...(after ? { after } : {}) });
    return { runs: page.runs, continuationToken: page.next ? encodeRunToken(page.next, query.order) : null };
  }

  async countRuns(caller: RunScope, filter: RunFilter): Promise<number> {
    return countRuns(this.#db, caller, filter);
  }

  /** Returns the first row errors of a run and how many it has in all. */
  async rowErrors(caller: RunScope, runId: string): Promise<{ items: StoredRowError[]; count: number }> {
    const run = await this.getRun(caller, runId);
    const items = await listRowErrors(this.#db, run.id, { limit: ROW_ERROR_PAGE });
    return { items, count: await countRowErrors(this.#db, run.id) };
  }

  /** Streams every row error of a run as CSV lines, a page at a time. */
  async rowErrorsCsv(caller: RunScope, runId: string): Promise<AsyncIterable<string>> {
    const run = await this.getRun(caller, runId);
    const db = this.#db;
    return (async function* () {
      yield 'origin,rowNumber,field,code,message,rawValue\r\n';
      let afterSeq = -1;
      for (;;) {
        const page = await listRowErrors(db, run.id, { limit: CSV_PAGE, afterSeq });
        if (page.length === 0) return;
        yield page
          .map(
            (error) =>
              [
                error.origin,
                String(error.rowNumber),
                error.field ?? '',
                error.code,
                error.message,
                error.rawValue ?? '',
              ]
                .map(csvField)
                .join(',') + '\r\n',
          )
          .join('');
        afterSeq = page[page.length - 1]!.seq;
      }
    })();
  }

  /**
   * Lists a flow's upcoming runs: the stored runs that wait to start, then the windows the
   * schedule will create (computed, not stored): at least `limit` (10 or more) and all of the next
   * 24 hours.
   */
  async scheduledRuns(caller: RunScope, flowId: string, limit: number): Promise<UpcomingRun[]> {
    const flow = await loadFlow(this.#db, flowId, caller);
    if (!flow) throw notFound('flow', flowId);
    const now = this.#clock.now();
    const count = Math.min(Math.max(limit, UPCOMING_MIN), UPCOMING_MAX);

    const waiting = await findWaitingRuns(this.#db, flow.id, UPCOMING_MAX);
    const upcoming: UpcomingRun[] = waiting.map((run) => ({
      runId: run.id,
      trigger: run.trigger,
      startTime: formatInstant(run.dueAt),
      windowStartTime: formatInstant(run.windowStart),
      windowEndTime: formatInstant(run.windowEnd),
    }));
    if (flow.state !== 'enabled') return upcoming;

    const schedule = parseScheduleParams(JSON.parse(flow.schedule));
    let computed = 0;
    for (const window of windowsAfter(schedule, flow.schedule_cursor === null ? null : Number(flow.schedule_cursor))) {
      if (computed >= UPCOMING_MAX || (computed >= count && window.dueAt > now + UPCOMING_HORIZON_MS)) break;
      upcoming.push({
        runId: null,
        trigger: 'schedule',
        startTime: formatInstant(window.dueAt),
        windowStartTime: formatInstant(window.startMs),
        windowEndTime: formatInstant(window.endMs),
      });
      computed += 1;
    }
    return upcoming.sort((a, b) => a.startTime.localeCompare(b.startTime));
  }

  async #requireEnabledFlow(caller: RunScope, flowId: unknown): Promise<FlowRow> {
    if (typeof flowId !== 'string' || flowId === '') {
      throw new TributaryError(
        'VALIDATION_FAILED',
        `flowId ${JSON.stringify(flowId)} is missing or not a string; give the id of a flow.`,
        {
          errors: [{ path: 'flowId', message: 'required' }],
        },
      );
    }
    const flow = await loadFlow(this.#db, flowId, caller);
    if (!flow) throw notFound('flow', flowId);
    if (flow.state !== 'enabled') {
      throw new TributaryError(
        'FLOW_DISABLED',
        `Flow '${flowId}' is disabled; enable it with POST /api/v1/flows/${flowId}/action?op=enable before starting runs.`,
        { errors: [{ path: 'flowId', message: 'flow disabled' }] },
      );
    }
    return flow;
  }

  async #resolveDeltaColumn(
    flow: FlowRow,
    requested: { name?: unknown } | null | undefined,
  ): Promise<{ name: string | null; setsFlow: boolean }> {
    const name = requested?.name;
    if (requested !== undefined && requested !== null && (typeof name !== 'string' || name === '')) {
      throw new TributaryError(
        'VALIDATION_FAILED',
        `params.deltaColumn.name ${JSON.stringify(name)} must be a column name.`,
        {
          errors: [{ path: 'params.deltaColumn.name', message: 'must be a column name' }],
        },
      );
    }

    const kind = await this.#inspector.sourceKind(flow.id);
    if (kind !== 'table') {
      if (name === undefined) return { name: null, setsFlow: false };
      throw new TributaryError(
        'DELTA_COLUMN_NOT_ALLOWED',
        `params.deltaColumn '${String(name)}' is only for table sources; this flow reads files, placed in windows by their last-modified time, so remove it.`,
        { errors: [{ path: 'params.deltaColumn', message: 'not allowed for file sources' }] },
      );
    }

    if (flow.delta_column) {
      if (name !== undefined && name !== flow.delta_column)
        throw immutableDeltaColumn(name as string, flow.delta_column);
      return { name: flow.delta_column, setsFlow: false };
    }
    if (name === undefined) {
      throw new TributaryError(
        'DELTA_COLUMN_REQUIRED',
        `params.deltaColumn is missing; the first run of table flow '${flow.id}' must name the date or time column that places rows in windows.`,
        { errors: [{ path: 'params.deltaColumn.name', message: 'required' }] },
      );
    }
    const columns = await this.#inspector.deltaColumns(flow.id);
    if (!columns.includes(name as string)) {
      throw new TributaryError(
        'DELTA_COLUMN_NOT_FOUND',
        `params.deltaColumn.name '${String(name)}' is not a date or time column of the source table; use one of: ${columns.join(', ') || 'none'}.`,
        { errors: [{ path: 'params.deltaColumn.name', message: 'not a date or time column' }] },
      );
    }
    return { name: name as string, setsFlow: true };
  }

  async #replayIdempotent(caller: RunScope, key: string, requestHash: string): Promise<Run | null> {
    const record = await findIdempotencyKey(this.#db, caller, key);
    if (!record) return null;
    if (record.requestHash !== requestHash) {
      throw new TributaryError(
        'IDEMPOTENCY_KEY_REUSED',
        `Idempotency-Key '${key}' was used for another request; send a new key for a different run.`,
        { errors: [{ path: 'headers.idempotency-key', message: 'used for another request' }] },
      );
    }
    return getRun(this.#db, record.runId, caller);
  }
}

class IdempotencyRace extends Error {}

function immutableDeltaColumn(requested: string, fixed: string): TributaryError {
  return new TributaryError(
    'DELTA_COLUMN_IMMUTABLE',
    `params.deltaColumn.name '${requested}' differs from the flow's delta column '${fixed}', which is fixed after the first run; use '${fixed}' or omit it.`,
    { errors: [{ path: 'params.deltaColumn.name', message: 'immutable' }] },
  );
}

function parseRequiredTime(value: unknown, field: string): number {
  if (value === undefined || value === null || value === '') {
    throw new TributaryError(
      'VALIDATION_FAILED',
      `${field} is required; give an ISO-8601 time with an offset or Unix epoch seconds.`,
      {
        errors: [{ path: field, message: 'required' }],
      },
    );
  }
  return parseInstant(value, field);
}

function overlapWarnings(runs: Run[]): OverlapWarning[] {
  return runs.map((run) => ({
    code: 'WINDOW_OVERLAP',
    message:
      `The window overlaps run '${run.id}' (${run.status}) over ${formatInstant(run.windowStart)} to ${formatInstant(run.windowEnd)}; ` +
      `an append-mode dataset would receive the records of the overlap twice.`,
    runId: run.id,
    status: run.status,
    windowStartTime: formatInstant(run.windowStart),
    windowEndTime: formatInstant(run.windowEnd),
  }));
}

// The same request always hashes the same, whatever the order of its members.
function hashRequest(request: OnDemandRequest): string {
  return crypto.createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

type Reprocess = 'none' | 'failed' | 'all';

function parseReprocess(value: unknown): Reprocess {
  if (value === undefined || value === null) return 'none';
  if (value === 'none' || value === 'failed' || value === 'all') return value;
  throw new TributaryError(
    'VALIDATION_FAILED',
    `reprocess ${JSON.stringify(value)} is invalid; use none, failed or all.`,
    {
      errors: [{ path: 'reprocess', message: 'must be none, failed or all' }],
    },
  );
}

function parseDryRun(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  throw new TributaryError('VALIDATION_FAILED', `dryRun ${JSON.stringify(value)} must be true or false.`, {
    errors: [{ path: 'dryRun', message: 'must be a boolean' }],
  });
}

function splitRange(schedule: Schedule, range: TimeWindow): TimeWindow[] {
  if (schedule.frequency === 'once') return [range];
  return clipToRange(windowsFrom(schedule, range.startMs), range, MAX_BACKFILL_WINDOWS);
}

function decide(latest: Run | undefined, reprocess: Reprocess): { create: boolean; reason: BackfillWindow['reason'] } {
  if (!latest || latest.status === 'cancelled') return { create: true, reason: 'new' };
  if (latest.status === 'scheduled' || latest.status === 'inProgress') return { create: false, reason: 'pending' };
  if (latest.status === 'success')
    return reprocess === 'all' ? { create: true, reason: 'reprocess' } : { create: false, reason: 'succeeded' };
  return reprocess === 'none' ? { create: false, reason: 'failed' } : { create: true, reason: 'reprocess' };
}

/**
 * Decides a window that no run covers exactly, from the runs that overlap it. A pending run skips it.
 * A succeeded run that contains it (an on-demand run over a longer window) skips it too, because a
 * run over part of that window could not replace its batch and would duplicate rows.
 */
function decideWithoutExactRun(
  piece: TimeWindow,
  overlapping: Run[],
): { decision: { create: boolean; reason: BackfillWindow['reason'] }; existingRun: Run | undefined } {
  const pending = overlapping.find((run) => run.status === 'scheduled' || run.status === 'inProgress');
  if (pending) return { decision: { create: false, reason: 'pending' }, existingRun: pending };

  const covering = overlapping
    .filter((run) => run.status === 'success' && run.windowStart <= piece.startMs && run.windowEnd >= piece.endMs)
    .at(-1);
  if (covering) return { decision: { create: false, reason: 'succeeded' }, existingRun: covering };

  return { decision: { create: true, reason: 'new' }, existingRun: undefined };
}

function backfillRun(
  caller: Caller,
  flow: FlowRow,
  window: TimeWindow,
  now: number,
  replaces: Run | undefined,
): NewRun {
  const retries = replaces !== undefined && replaces.status !== 'cancelled';
  return {
    orgId: caller.orgId,
    sandbox: caller.sandbox,
    flowId: flow.id,
    trigger: retries ? 'retry' : 'onDemand',
    retryOf: retries ? replaces.id : null,
    dueAt: now,
    windowStart: window.startMs,
    windowEnd: window.endMs,
    deltaColumn: flow.delta_column,
    createdBy: caller.userId,
  };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

interface RunToken {
  o: 'asc' | 'desc';
  c: number;
  i: string;
}

function encodeRunToken(cursor: RunCursor, order: 'asc' | 'desc'): string {
  const token: RunToken = { o: order, c: cursor.createdAt, i: cursor.id };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeRunToken(text: string, order: 'asc' | 'desc'): RunCursor {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as RunToken;
    if (token.o === order && typeof token.c === 'number' && typeof token.i === 'string')
      return { createdAt: token.c, id: token.i };
  } catch {
    // Reported below.
  }
  throw new TributaryError(
    'INVALID_CONTINUATION_TOKEN',
    'continuationToken is invalid or belongs to another order; use the next link of the previous page unchanged.',
    { errors: [{ path: 'querystring.continuationToken', message: 'invalid token' }] },
  );
}

/**
 * Parses the `property` filters of the runs list: `flowId==a,b`, `status==failed,success`,
 * `trigger==retry`, `windowStartTime>=<time>` and `windowEndTime<=<time>`.
 */
export function parseRunFilters(property: string | string[] | undefined): RunFilter {
  const expressions = property === undefined ? [] : Array.isArray(property) ? property : [property];
  const filter: RunFilter = {};
  for (const expression of expressions) {
    const match = /^([A-Za-z]+)(==|>=|<=)(.+)$/.exec(expression);
    const [name, operator, raw] = match ? [match[1]!, match[2]!, match[3]!] : ['', '', ''];
    const values = raw.split(',').map((value) => value.trim());

    if (name === 'flowId' && operator === '==') filter.flowIds = values;
    else if (name === 'status' && operator === '==')
      filter.statuses = values.map((value) => oneOf(value, runStatuses, expression));
    else if (name === 'trigger' && operator === '==')
      filter.triggers = values.map((value) => oneOf(value, runTriggers, expression));
    else if (name === 'windowStartTime' && operator === '>=')
      filter.windowStartFrom = parseInstant(raw, 'windowStartTime');
    else if (name === 'windowEndTime' && operator === '<=') filter.windowEndTo = parseInstant(raw, 'windowEndTime');
    else {
      throw new TributaryError(
        'INVALID_FILTER',
        `property '${expression}' is not a valid runs filter; use flowId==…, status==…, trigger==…, windowStartTime>=… or windowEndTime<=…, with values separated by commas.`,
        { errors: [{ path: 'querystring.property', message: 'invalid filter' }] },
      );
    }
  }
  return filter;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], expression: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new TributaryError(
    'INVALID_FILTER',
    `'${value}' in property '${expression}' is not allowed; use one of: ${allowed.join(', ')}.`,
    { errors: [{ path: 'querystring.property', message: 'unknown value' }] },
  );
}
