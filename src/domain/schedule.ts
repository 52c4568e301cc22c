import { Cron } from 'croner';
import { Temporal } from 'temporal-polyfill';
import { TributaryError } from './errors.ts';
import { EPOCH_START_MS, formatInstant, parseInstant } from './time.ts';
import type { TimeWindow } from './window.ts';

// A flow's schedule turns into a chain of windows. Run k ≥ 1 is due at t(k), the start time advanced
// by k intervals, and covers [t(k−1), t(k)). With backfill, run 0 is due at the start time and covers
// everything before it. Minute and hour steps are fixed durations; day, week and cron steps follow the
// wall clock of the schedule's zone, so a daily 02:30 run stays at 02:30 local across DST changes.

export const frequencies = ['once', 'minute', 'hour', 'day', 'week', 'cron'] as const;
export type Frequency = (typeof frequencies)[number];

export interface Schedule {
  frequency: Frequency;
  /** Steps between runs; 1 for `once` and `cron`. */
  interval: number;
  cron: string | null;
  startMs: number;
  timezone: string;
  backfill: boolean;
  endMs: number | null;
  /** After downtime: one run per missed window (true) or one run over all missed time (false). */
  catchup: boolean;
}

/** One window of the schedule and the time its run is due. */
export interface ScheduledWindow extends TimeWindow {
  dueAt: number;
}

/** The `scheduleParams` of the API, with times as ISO-8601 UTC. */
export interface ScheduleParamsJson {
  frequency: Frequency;
  interval?: number;
  cron?: string;
  startTime: string;
  timezone: string;
  backfill: boolean;
  endTime?: string;
  catchup: boolean;
}

const FIXED_STEP_MS: Partial<Record<Frequency, number>> = { minute: 60_000, hour: 3_600_000 };
const CALENDAR_STEP_DAYS: Partial<Record<Frequency, number>> = { day: 1, week: 7 };

/** A parsed schedule, or `scheduleParams` as a request or a stored flow gives them. */
export type ScheduleInput = Schedule | Record<string, unknown>;

function asSchedule(input: ScheduleInput): Schedule {
  return typeof input.startMs === 'number' && typeof input.catchup === 'boolean'
    ? (input as Schedule)
    : parseScheduleParams(input);
}

/** Validates `scheduleParams` from a request or a stored flow; throws with the field and the fix. */
export function parseScheduleParams(raw: unknown, field = 'scheduleParams'): Schedule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(field, `${field} must be an object with frequency and startTime; got ${JSON.stringify(raw)}.`);
  }
  const params = raw as Record<string, unknown>;

  const frequency = params.frequency;
  if (typeof frequency !== 'string' || !(frequencies as readonly string[]).includes(frequency)) {
    throw invalid(
      `${field}.frequency`,
      `${field}.frequency ${JSON.stringify(frequency)} is unknown; use one of ${frequencies.join(', ')}.`,
    );
  }
  const interval = parseInterval(params.interval, frequency as Frequency, field);
  const cron = parseCronField(params.cron, frequency as Frequency, field);
  const timezone = parseTimezone(params.timezone, `${field}.timezone`);

  if (params.startTime === undefined || params.startTime === null) {
    throw invalid(`${field}.startTime`, `${field}.startTime is required; give an ISO-8601 time with an offset.`);
  }
  const startMs = parseInstant(params.startTime, `${field}.startTime`);
  const endMs =
    params.endTime === undefined || params.endTime === null ? null : parseInstant(params.endTime, `${field}.endTime`);
  if (endMs !== null && endMs <= startMs) {
    throw invalid(
      `${field}.endTime`,
      `${field}.endTime ${formatInstant(endMs)} is not after startTime ${formatInstant(startMs)}; move it later or remove it.`,
    );
  }

  return {
    frequency: frequency as Frequency,
    interval,
    cron,
    startMs,
    timezone,
    backfill: parseBoolean(params.backfill, `${field}.backfill`, false),
    endMs,
    catchup: parseBoolean(params.catchup, `${field}.catchup`, true),
  };
}

export function scheduleToJson(schedule: Schedule): ScheduleParamsJson {
  return {
    frequency: schedule.frequency,
    ...(schedule.frequency === 'once' ? {} : { interval: schedule.interval }),
    ...(schedule.cron ? { cron: schedule.cron } : {}),
    startTime: formatInstant(schedule.startMs),
    timezone: schedule.timezone,
    backfill: schedule.backfill,
    ...(schedule.endMs === null ? {} : { endTime: formatInstant(schedule.endMs) }),
    catchup: schedule.catchup,
  };
}

/** Validates an IANA time zone name; `UTC` when absent. */
export function parseTimezone(value: unknown, field: string): string {
  if (value === undefined || value === null || value === '') return 'UTC';
  if (typeof value === 'string') {
    try {
      Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(value);
      return value;
    } catch {
      // Reported below with the field and the fix.
    }
  }
  throw new TributaryError(
    'INVALID_TIMEZONE',
    `${field} ${JSON.stringify(value)} is not an IANA time zone; use a name such as Europe/Paris or UTC.`,
    { errors: [{ path: field, message: 'unknown time zone' }] },
  );
}

function parseInterval(value: unknown, frequency: Frequency, field: string): number {
  if (frequency === 'once') {
    if (value !== undefined && value !== null) {
      throw invalid(`${field}.interval`, `${field}.interval is not used with frequency once; remove it.`);
    }
    return 1;
  }
  if (value === undefined || value === null) {
    if (frequency === 'cron') return 1;
    throw invalid(
      `${field}.interval`,
      `${field}.interval is required for frequency ${frequency}; give a whole number ≥ 1.`,
    );
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(
      `${field}.interval`,
      `${field}.interval ${JSON.stringify(value)} is invalid; give a whole number ≥ 1.`,
    );
  }
  if (frequency === 'cron' && value !== 1) {
    throw invalid(
      `${field}.interval`,
      `${field}.interval ${value} is not used with frequency cron; put the steps in the cron expression.`,
    );
  }
  return value;
}

function parseCronField(value: unknown, frequency: Frequency, field: string): string | null {
  if (frequency !== 'cron') {
    if (value !== undefined && value !== null) {
      throw invalid(
        `${field}.cron`,
        `${field}.cron is only used with frequency cron; remove it or set frequency cron.`,
      );
    }
    return null;
  }
  const text = typeof value === 'string' ? value.trim() : '';
  const cronError = (reason: string) =>
    new TributaryError('INVALID_CRON', `${field}.cron ${JSON.stringify(value)} ${reason}`, {
      errors: [{ path: `${field}.cron`, message: 'invalid cron expression' }],
    });
  if (text.split(/\s+/).length !== 5) {
    throw cronError('must have five fields: minute hour day-of-month month day-of-week (0 9 * * 1-5).');
  }
  try {
    new Cron(text, { paused: true });
  } catch (error) {
    throw cronError(`is invalid: ${(error as Error).message}`);
  }
  return text;
}

function parseBoolean(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  throw invalid(field, `${field} ${JSON.stringify(value)} must be true or false.`);
}

function invalid(path: string, detail: string): TributaryError {
  return new TributaryError('INVALID_SCHEDULE', detail, { errors: [{ path, message: detail }] });
}

/**
 * Yields the windows that follow `cursorMs` (the end of the newest window already created), in order.
 * With no cursor the chain starts at the beginning: the backfill window, then run 1. A cursor off the
 * schedule's grid (after a schedule change) yields a first window from the cursor to the next grid
 * point, so windows keep chaining with no gap and no overlap.
 */
export function* windowsAfter(input: ScheduleInput, cursorMs: number | null): Generator<ScheduledWindow> {
  const schedule = asSchedule(input);
  let start: number;
  if (cursorMs === null) {
    if (schedule.backfill && withinEnd(schedule, schedule.startMs)) {
      yield { startMs: EPOCH_START_MS, endMs: schedule.startMs, dueAt: schedule.startMs };
    }
    start = schedule.startMs;
  } else {
    start = cursorMs;
  }
  if (schedule.frequency === 'once') return;

  for (;;) {
    const end = nextGridPoint(schedule, start);
    if (!withinEnd(schedule, end)) return;
    yield { startMs: start, endMs: end, dueAt: end };
    start = end;
  }
}

/** Returns the windows of the whole chain whose due time is in [fromMs, toMs). */
export function windowsDueBetween(input: ScheduleInput, fromMs: number, toMs: number): ScheduledWindow[] {
  const schedule = asSchedule(input);
  const windows: ScheduledWindow[] = [];
  for (const window of windowsAfter(schedule, chainPointBefore(schedule, fromMs))) {
    if (window.dueAt >= toMs) break;
    if (window.dueAt >= fromMs) windows.push(window);
  }
  return windows;
}

/** Returns the next `count` windows of the whole chain whose due time is after `afterMs`. */
export function nextWindows(input: ScheduleInput, afterMs: number, count: number): ScheduledWindow[] {
  const schedule = asSchedule(input);
  const windows: ScheduledWindow[] = [];
  if (count <= 0) return windows;
  for (const window of windowsAfter(schedule, chainPointBefore(schedule, afterMs))) {
    if (window.dueAt <= afterMs) continue;
    windows.push(window);
    if (windows.length >= count) break;
  }
  return windows;
}

/**
 * Yields the windows of the chain from the one that contains `fromMs` on, for backfills. Before
 * the start time the schedule's grid extends backwards, so that a range before the start time
 * splits into the flow's own windows; they chain into the regular windows at the start time.
 */
export function* windowsFrom(input: ScheduleInput, fromMs: number): Generator<ScheduledWindow> {
  const schedule = asSchedule(input);
  const regular = { ...schedule, backfill: false };
  if (fromMs >= schedule.startMs) {
    yield* windowsAfter(regular, chainPointBefore(schedule, fromMs + 1));
    return;
  }

  let start = gridPointAtOrBefore(schedule, fromMs);
  const earlier = { ...regular, startMs: start, endMs: null };
  while (start < schedule.startMs) {
    const end = Math.min(nextGridPoint(earlier, start), schedule.startMs);
    yield { startMs: start, endMs: end, dueAt: end };
    start = end;
  }
  yield* windowsAfter(regular, null);
}

// The grid point at or before `ms`, for `ms` before the start time: the start time moved back by
// whole steps, or for cron the latest occurrence.
function gridPointAtOrBefore(schedule: Schedule, ms: number): number {
  const fixed = FIXED_STEP_MS[schedule.frequency];
  if (fixed !== undefined) {
    const period = fixed * schedule.interval;
    return schedule.startMs - Math.ceil((schedule.startMs - ms) / period) * period;
  }

  const days = CALENDAR_STEP_DAYS[schedule.frequency];
  if (days !== undefined) {
    const approxPeriod = days * schedule.interval * 86_400_000;
    let k = -Math.ceil((schedule.startMs - ms) / approxPeriod) - 1;
    while (calendarPoint(schedule, k + 1) <= ms) k += 1;
    return calendarPoint(schedule, k);
  }

  const [previous] = cronOf(schedule).previousRuns(1, new Date(ms + 1));
  return previous ? previous.getTime() : ms;
}

/**
 * Returns the cursor from which a flow enabled again with catch-up off resumes: the latest grid point
 * at or before `nowMs`, so the time it was disabled gets no run and the next window ends at the next
 * grid point. Null when the chain has not started yet.
 */
export function resumeCursor(input: ScheduleInput, nowMs: number): number | null {
  return chainPointBefore(asSchedule(input), nowMs + 1);
}

// A cursor from which windowsAfter reaches every window due after `ms`: null (the very beginning)
// when `ms` is before the first due time, else the latest grid point strictly before `ms`.
function chainPointBefore(schedule: Schedule, ms: number): number | null {
  if (ms <= schedule.startMs || schedule.frequency === 'once') return null;
  return previousGridPoint(schedule, ms);
}

/** Returns the smallest grid point t(k), k ≥ 0, strictly after `ms`. */
export function nextGridPoint(schedule: Schedule, ms: number): number {
  if (ms < schedule.startMs) return schedule.startMs;

  const fixed = FIXED_STEP_MS[schedule.frequency];
  if (fixed !== undefined) {
    const period = fixed * schedule.interval;
    return schedule.startMs + (Math.floor((ms - schedule.startMs) / period) + 1) * period;
  }

  const days = CALENDAR_STEP_DAYS[schedule.frequency];
  if (days !== undefined) {
    const approxPeriod = days * schedule.interval * 86_400_000;
    let k = Math.max(0, Math.floor((ms - schedule.startMs) / approxPeriod) - 1);
    while (calendarPoint(schedule, k) <= ms) k += 1;
    return calendarPoint(schedule, k);
  }

  const next = cronOf(schedule).nextRun(new Date(ms));
  return next ? next.getTime() : Number.POSITIVE_INFINITY;
}

/** Returns the largest grid point strictly before `ms`, for `ms` after the start time. */
function previousGridPoint(schedule: Schedule, ms: number): number {
  const fixed = FIXED_STEP_MS[schedule.frequency];
  if (fixed !== undefined) {
    const period = fixed * schedule.interval;
    return schedule.startMs + Math.floor((ms - 1 - schedule.startMs) / period) * period;
  }

  const days = CALENDAR_STEP_DAYS[schedule.frequency];
  if (days !== undefined) {
    const approxPeriod = days * schedule.interval * 86_400_000;
    let k = Math.floor((ms - schedule.startMs) / approxPeriod) + 1;
    while (k > 0 && calendarPoint(schedule, k) >= ms) k -= 1;
    return calendarPoint(schedule, k);
  }

  const [previous] = cronOf(schedule).previousRuns(1, new Date(ms));
  return previous && previous.getTime() > schedule.startMs ? previous.getTime() : schedule.startMs;
}

// t(k) for day and week steps: the start's local date-time moved by whole days in the zone. A local
// time that does not exist (the spring change) resolves to the first instant after the gap, 03:00 for
// 02:30 in Europe/Paris. Each step starts again from the original local time, so nothing drifts.
function calendarPoint(schedule: Schedule, k: number): number {
  const days = (CALENDAR_STEP_DAYS[schedule.frequency] ?? 1) * schedule.interval * k;
  const start = Temporal.Instant.fromEpochMilliseconds(schedule.startMs).toZonedDateTimeISO(schedule.timezone);
  const expected = start.toPlainDateTime().add({ days });
  const resolved = expected.toZonedDateTime(schedule.timezone, { disambiguation: 'compatible' });
  if (Temporal.PlainDateTime.compare(resolved.toPlainDateTime(), expected) === 0) return resolved.epochMilliseconds;
  const transition = resolved.getTimeZoneTransition('previous');
  return transition ? transition.epochMilliseconds : resolved.epochMilliseconds;
}

const cronCache = new Map<string, Cron>();

function cronOf(schedule: Schedule): Cron {
  const key = `${schedule.timezone} ${schedule.cron}`;
  let cron = cronCache.get(key);
  if (!cron) {
    cron = new Cron(schedule.cron ?? '', { timezone: schedule.timezone, paused: true });
    cronCache.set(key, cron);
  }
  return cron;
}

function withinEnd(schedule: Schedule, dueAt: number): boolean {
  return Number.isFinite(dueAt) && (schedule.endMs === null || dueAt <= schedule.endMs);
}
