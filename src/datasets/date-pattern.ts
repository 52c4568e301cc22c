import { Temporal } from 'temporal-polyfill';

// A small date pattern parser for mapping rules. Patterns use the usual letters: `yyyy` year, `MM`/`M`
// month, `dd`/`d` day, `HH`/`H` hour (0-23), `mm` minute, `ss` second, `S…` fraction, `X`/`XX`/`XXX`
// offset (`Z`, `+01`, `+0100`, `+01:00`). Text in single quotes and any other non-letter is literal.
// Three names are formats of their own: `ISO` (ISO-8601, offset optional), `epoch` (Unix seconds)
// and `epochMillis`.

export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes east of UTC when the value carries an offset. */
  offsetMinutes?: number;
}

export type DateParser = (text: string) => DateParts | null;

export const SPECIAL_FORMATS = ['ISO', 'epoch', 'epochMillis'] as const;

interface Token {
  letters: string;
  regex: string;
  group: keyof Omit<DateParts, 'offsetMinutes'> | 'offset';
}

// Longest letters first, so that `MM` wins over `M`.
const tokens: Token[] = [
  { letters: 'yyyy', regex: '(\\d{4})', group: 'year' },
  { letters: 'MM', regex: '(\\d{2})', group: 'month' },
  { letters: 'M', regex: '(\\d{1,2})', group: 'month' },
  { letters: 'dd', regex: '(\\d{2})', group: 'day' },
  { letters: 'd', regex: '(\\d{1,2})', group: 'day' },
  { letters: 'HH', regex: '(\\d{2})', group: 'hour' },
  { letters: 'H', regex: '(\\d{1,2})', group: 'hour' },
  { letters: 'mm', regex: '(\\d{2})', group: 'minute' },
  { letters: 'ss', regex: '(\\d{2})', group: 'second' },
  { letters: 'XXX', regex: '(Z|[+-]\\d{2}:\\d{2})', group: 'offset' },
  { letters: 'XX', regex: '(Z|[+-]\\d{4})', group: 'offset' },
  { letters: 'X', regex: '(Z|[+-]\\d{2}(?::?\\d{2})?)', group: 'offset' },
];

/** Thrown for a pattern that cannot be compiled; the message names the problem. */
export class DatePatternError extends Error {}

/**
 * Compiles a pattern such as `dd/MM/yyyy HH:mm` (or `ISO`) into a parser. Throws `DatePatternError`
 * for unknown letters or a pattern without year, month and day.
 */
export function compileDatePattern(pattern: string): DateParser {
  if (pattern === 'ISO') return parseIso;

  let regex = '';
  const groups: Token['group'][] = [];
  let index = 0;
  while (index < pattern.length) {
    const char = pattern[index]!;
    if (char === "'") {
      const end = pattern.indexOf("'", index + 1);
      if (end < 0) throw new DatePatternError(`the quote at position ${index + 1} is not closed`);
      regex += escapeRegex(pattern.slice(index + 1, end));
      index = end + 1;
      continue;
    }
    if (char === 'S') {
      let length = 0;
      while (pattern[index + length] === 'S') length += 1;
      regex += `(\\d{${length}})`;
      groups.push('millisecond');
      index += length;
      continue;
    }
    const token = tokens.find((candidate) => pattern.startsWith(candidate.letters, index));
    if (token) {
      regex += token.regex;
      groups.push(token.group);
      index += token.letters.length;
      continue;
    }
    if (/[A-Za-z]/.test(char)) {
      throw new DatePatternError(
        `'${char}' at position ${index + 1} is not a pattern letter; quote literal text ('T')`,
      );
    }
    regex += escapeRegex(char);
    index += 1;
  }

  for (const needed of ['year', 'month', 'day'] as const) {
    if (!groups.includes(needed)) throw new DatePatternError(`the pattern has no ${needed}`);
  }
  return buildParser(new RegExp(`^${regex}$`), groups);
}

function buildParser(regex: RegExp, groups: Token['group'][]): DateParser {
  return (text) => {
    const match = regex.exec(text);
    if (!match) return null;

    const parts: DateParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
    for (let group = 0; group < groups.length; group += 1) {
      const value = match[group + 1]!;
      const name = groups[group]!;
      if (name === 'offset') parts.offsetMinutes = parseOffset(value);
      else if (name === 'millisecond') parts.millisecond = Math.floor(Number(`0.${value}`) * 1000);
      else parts[name] = Number(value);
    }
    return partsValid(parts) ? parts : null;
  };
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function parseIso(text: string): DateParts | null {
  const match = ISO.exec(text);
  if (!match) return null;
  const parts: DateParts = {
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hour: Number(match[4] ?? 0),
    minute: Number(match[5] ?? 0),
    second: Number(match[6] ?? 0),
    millisecond: match[7] ? Math.floor(Number(`0.${match[7]}`) * 1000) : 0,
  };
  if (match[8]) parts.offsetMinutes = parseOffset(match[8]);
  return partsValid(parts) ? parts : null;
}

function parseOffset(text: string): number {
  if (text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0);
  return text.startsWith('-') ? -minutes : minutes;
}

function partsValid(parts: DateParts): boolean {
  if (parts.month < 1 || parts.month > 12 || parts.day < 1) return false;
  if (parts.hour > 23 || parts.minute > 59 || parts.second > 59) return false;
  if (parts.offsetMinutes !== undefined && Math.abs(parts.offsetMinutes) > 18 * 60) return false;
  return parts.day <= daysInMonth(parts.year, parts.month);
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return monthDays[month - 1]!;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return leap ? 29 : 28;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Formats the date of `parts` as `yyyy-MM-dd`. */
export function formatDateParts(parts: DateParts): string {
  return `${String(parts.year).padStart(4, '0')}-${pad2(parts.month)}-${pad2(parts.day)}`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/**
 * Returns a function from date parts to epoch milliseconds. Parts with an offset use it. Parts
 * without one are wall-clock time in `timeZone`, resolved by Temporal's `compatible` rule: a time in
 * the DST gap moves forward, and a time in the overlap takes the earlier instant.
 */
export function createInstantResolver(timeZone: string): (parts: DateParts) => number {
  const utc = (parts: DateParts): number =>
    Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, parts.millisecond);
  if (timeZone === 'UTC') return (parts) => utc(parts) - (parts.offsetMinutes ?? 0) * 60_000;

  // Zone offsets change on whole minutes, so one lookup per local minute serves every second in it.
  const minuteCache = new Map<number, number>();
  return (parts) => {
    if (parts.offsetMinutes !== undefined) return utc(parts) - parts.offsetMinutes * 60_000;

    const localMinute = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
    let epochMinute = minuteCache.get(localMinute);
    if (epochMinute === undefined) {
      epochMinute = Temporal.PlainDateTime.from({
        year: parts.year,
        month: parts.month,
        day: parts.day,
        hour: parts.hour,
        minute: parts.minute,
      }).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
      if (minuteCache.size > 100_000) minuteCache.clear();
      minuteCache.set(localMinute, epochMinute);
    }
    return epochMinute + parts.second * 1000 + parts.millisecond;
  };
}

/** True when Temporal accepts `timeZone` as an IANA zone name. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(timeZone);
    return true;
  } catch {
    return false;
  }
}
