// Conversions between date-time inputs, which hold a wall-clock time without an offset, and the
// API's ISO-8601 instants, which always carry one. The wall time is read in a named IANA zone:
// the browser's own by default, or a schedule's zone.

import { userTimeZone } from './i18n/i18n.tsx';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');
const dayMs = 86_400_000;

const partFormats = new Map<string, Intl.DateTimeFormat>();

/** Returns the wall-clock parts of an instant in a zone. */
function wallParts(ms: number, timeZone: string) {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, Number(part.value)]));
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Returns how far a zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const wall = wallParts(ms, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(ms / 1000) * 1000;
}

/** Formats an instant as a `datetime-local` value with seconds, such as `2026-12-04T10:30:00`. */
export function toLocalInput(instant: string | Date | number | null | undefined, timeZone = userTimeZone): string {
  if (instant === null || instant === undefined || instant === '') return '';
  const ms = new Date(instant).getTime();
  if (Number.isNaN(ms)) return '';
  const wall = wallParts(ms, timeZone);
  return (
    `${wall.year}-${pad(wall.month)}-${pad(wall.day)}` + `T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`
  );
}

/**
 * Returns the ISO-8601 string with the zone's offset for a `datetime-local` value, such as
 * `2026-12-04T10:30:00+01:00`, or null when the value is malformed.
 */
export function fromLocalInput(value: string, timeZone = userTimeZone): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  const wallAsUtc = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  if (Number.isNaN(wallAsUtc)) return null;

  // The zone's offsets a day before and after cover any change in between. A repeated wall time
  // takes the earlier instant; a skipped one takes the offset before the gap, which moves it forward.
  const before = zoneOffsetMs(wallAsUtc - dayMs, timeZone);
  const after = zoneOffsetMs(wallAsUtc + dayMs, timeZone);
  const valid = [before, after]
    .map((offset) => wallAsUtc - offset)
    .filter((ms) => wallAsUtc - zoneOffsetMs(ms, timeZone) === ms);
  const ms = valid.length > 0 ? Math.min(...valid) : wallAsUtc - before;

  const offsetMinutes = Math.round(zoneOffsetMs(ms, timeZone) / 60_000);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const offset = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
  return `${toLocalInput(ms, timeZone)}${offset}`;
}

/** Returns the start of the hour of `ms`, the default window boundary. */
export function startOfHour(ms: number): Date {
  const date = new Date(ms);
  date.setMinutes(0, 0, 0);
  return date;
}

/** Lists the IANA zones the browser supports, the user's own and UTC first. */
export function timeZoneChoices(userZone: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const all = intl.supportedValuesOf?.('timeZone') ?? [];
  return [...new Set([userZone, 'UTC', ...all])];
}
