// Conversions between the browser's date-time inputs, which hold wall-clock time in the user's
// zone without an offset, and the API's ISO-8601 instants, which always carry one.

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `2026-12-04T10:30:00` in the browser's zone, for a `datetime-local` input with seconds. */
export function toLocalInput(instant: string | Date | number | null | undefined): string {
  if (instant === null || instant === undefined || instant === '') return '';
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return '';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/**
 * Returns the ISO-8601 string with the browser zone's offset for a `datetime-local` value, such as
 * `2026-12-04T10:30:00+01:00`, or null when the value is empty or malformed. A wall time that
 * does not exist (skipped by a daylight saving change) moves forward, as the browser resolves it.
 */
export function fromLocalInput(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const date = new Date(year!, month! - 1, day!, hour!, minute!, second ?? 0);
  if (Number.isNaN(date.getTime())) return null;

  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const offset = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
  return `${toLocalInput(date)}${offset}`;
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
