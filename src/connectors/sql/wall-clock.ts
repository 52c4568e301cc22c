import { Temporal } from 'temporal-polyfill';
import { invalidSourceParams } from '../errors.ts';

// Window bounds for delta columns that carry no time zone. Such a value is a wall-clock time in the
// flow's zone, so the window's instants become wall-clock times in that zone for the query.

/**
 * Returns the wall-clock time of an instant in a zone, as `YYYY-MM-DD HH:mm:ss.SSS`, made monotonic across a
 * backward clock change: during the repeated hour the result stays at the wall-clock time the change
 * jumped back from. A repeated wall-clock value is then read by the window of its first occurrence,
 * and bounds of consecutive windows never go backwards, so no row is read twice.
 */
export function wallClock(epochMs: number, timeZone: string): string {
  const instant = Temporal.Instant.fromEpochMilliseconds(epochMs);
  const zoned = instant.toZonedDateTimeISO(timeZone);
  // The latest transition at or before the instant.
  const transition = instant.add({ nanoseconds: 1 }).toZonedDateTimeISO(timeZone).getTimeZoneTransition('previous');
  if (transition) {
    const offsetAfter = transition.offsetNanoseconds;
    const offsetBefore = transition.subtract({ nanoseconds: 1 }).offsetNanoseconds;
    const repeatedNs = BigInt(offsetBefore - offsetAfter);
    const sinceTransitionNs = instant.epochNanoseconds - transition.epochNanoseconds;
    if (repeatedNs > 0n && sinceTransitionNs < repeatedNs) {
      return formatPlain(
        transition.toInstant().toZonedDateTimeISO('UTC').toPlainDateTime().add({ nanoseconds: offsetBefore }),
      );
    }
  }
  return formatPlain(zoned.toPlainDateTime());
}

function formatPlain(value: Temporal.PlainDateTime): string {
  const pad = (number: number, width = 2) => String(number).padStart(width, '0');
  return (
    `${pad(value.year, 4)}-${pad(value.month)}-${pad(value.day)} ` +
    `${pad(value.hour)}:${pad(value.minute)}:${pad(value.second)}.${pad(value.millisecond, 3)}`
  );
}

/** Checks an IANA zone name, defaulting to UTC. */
export function timeZoneOf(value: string | undefined): string {
  const zone = value ?? 'UTC';
  try {
    Temporal.Now.instant().toZonedDateTimeISO(zone);
    return zone;
  } catch {
    throw invalidSourceParams(
      `timezone '${zone}' is not a known IANA time zone; use a name such as "Europe/Paris" or "UTC".`,
    );
  }
}

/**
 * Returns the shortest text form of a wall-clock bound: trailing zero fractions, seconds and a midnight time
 * are dropped. Text comparison against ISO-like values of any precision then orders as time does:
 * `2026-12-04` is at or after the bound `2026-12-04`, and before `2026-12-04 10:00`.
 */
export function shortestWallClock(wall: string, separator: ' ' | 'T'): string {
  const date = wall.slice(0, 10);
  const hoursMinutes = wall.slice(11, 16);
  const seconds = wall.slice(17, 19);
  const fraction = wall.slice(20).replace(/0+$/, '');
  if (fraction !== '') return `${date}${separator}${hoursMinutes}:${seconds}.${fraction}`;
  if (seconds !== '00') return `${date}${separator}${hoursMinutes}:${seconds}`;
  if (hoursMinutes !== '00:00') return `${date}${separator}${hoursMinutes}`;
  return date;
}
