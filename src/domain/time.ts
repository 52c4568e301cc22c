import { TributaryError } from './errors.ts';

// Instants inside the program are epoch milliseconds in UTC. Requests give them as ISO-8601 with an
// offset or `Z`, or as Unix epoch seconds (a number or a numeric string); responses give ISO-8601 UTC.

/** The start of every backfill window: data older than a flow's start time. */
export const EPOCH_START_MS = 0;

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;
const EPOCH_SECONDS = /^-?\d+(\.\d+)?$/;

/**
 * Parses a request time into epoch milliseconds. `field` names the request field in the error
 * message. Rejects times without an offset and 13-digit epoch values, which are milliseconds.
 */
export function parseInstant(value: unknown, field: string): number {
  if (typeof value === 'number') return parseEpochSeconds(String(value), value, field);

  if (typeof value !== 'string' || value.trim() === '') {
    throw new TributaryError(
      'INVALID_TIME',
      `${field} must be an ISO-8601 time with an offset (2026-03-29T01:00:00Z) or Unix epoch seconds; got ${JSON.stringify(value)}.`,
      { errors: [{ path: field, message: 'expected a time' }] },
    );
  }

  const text = value.trim();
  if (EPOCH_SECONDS.test(text)) return parseEpochSeconds(text, Number(text), field);

  if (ISO_WITHOUT_OFFSET.test(text)) {
    throw new TributaryError(
      'TIME_WITHOUT_OFFSET',
      `${field} '${text}' has no offset, so it is ambiguous; add 'Z' for UTC or an offset such as '+01:00'.`,
      { errors: [{ path: field, message: 'time without offset' }] },
    );
  }

  const match = ISO_WITH_OFFSET.exec(text);
  const ms = match ? Date.parse(normalizeIso(text)) : Number.NaN;
  if (!match || Number.isNaN(ms) || !calendarFieldsValid(match)) {
    throw new TributaryError(
      'INVALID_TIME',
      `${field} '${text}' is not a valid time; use ISO-8601 with an offset (2026-03-29T01:00:00Z) or Unix epoch seconds.`,
      { errors: [{ path: field, message: 'invalid time' }] },
    );
  }
  return ms;
}

function parseEpochSeconds(text: string, seconds: number, field: string): number {
  const digits = text.replace(/^-/, '').split('.')[0] ?? '';
  if (digits.length >= 13) {
    throw new TributaryError(
      'EPOCH_MILLISECONDS',
      `${field} ${text} looks like epoch milliseconds; send epoch seconds (${Math.trunc(seconds / 1000)}) or an ISO-8601 time.`,
      { errors: [{ path: field, message: 'epoch milliseconds' }] },
    );
  }
  if (!Number.isFinite(seconds)) {
    throw new TributaryError('INVALID_TIME', `${field} ${text} is not a finite number of epoch seconds.`, {
      errors: [{ path: field, message: 'invalid epoch seconds' }],
    });
  }
  return Math.round(seconds * 1000);
}

// Date.parse accepts `+0100` only in some engines; make the offset `+01:00` and the separator `T`.
function normalizeIso(text: string): string {
  return text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}

// Date.parse rolls 2026-02-30 over to March; reject such dates instead.
function calendarFieldsValid(match: RegExpExecArray): boolean {
  const [, year, month, day, hour, minute, second] = match.map(Number);
  if (month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || (second ?? 0) > 59) return false;
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return day! >= 1 && day! <= daysInMonth;
}

/** Formats epoch milliseconds as ISO-8601 UTC without milliseconds when they are zero. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

export function formatOptionalInstant(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : formatInstant(ms);
}

/** A source of the current time, injected so that tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when a test moves it. */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  set(ms: number): void {
    this.current = ms;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
