import { compileDatePattern, createInstantResolver, formatDateParts, type DateParser } from './date-pattern.ts';
import type { FieldType, MappingRule } from './types.ts';

// One converter per dataset field, compiled once per mapper from the field type and its mapping
// rule. A converter takes a raw source value that is neither null nor empty and returns the dataset
// value, or a `ConversionFailure` (returned, not thrown, because bad rows are common in real exports).

export class ConversionFailure {
  constructor(
    readonly code: string,
    readonly expected: string,
  ) {}
}

export type Converter = (raw: unknown) => unknown;

export interface ConverterOptions {
  type: FieldType;
  rule: MappingRule | undefined;
  /** Zone for date-times without an offset when the rule names none. */
  timezone: string;
}

export function compileConverter(options: ConverterOptions): Converter {
  const { type, rule } = options;
  switch (type) {
    case 'string':
      return convertString;
    case 'integer':
      return integerConverter(rule?.decimalSeparator ?? '.');
    case 'number':
      return numberConverter(rule?.decimalSeparator ?? '.');
    case 'boolean':
      return convertBoolean;
    case 'date':
      return dateConverter(rule?.format);
    case 'datetime':
      return datetimeConverter(rule?.format, rule?.timezone ?? options.timezone);
    case 'json':
      return convertJson;
  }
}

function convertString(raw: unknown): unknown {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Date) return raw.toISOString();
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (typeof raw === 'object') return JSON.stringify(raw);
  return String(raw);
}

// Thousands may be grouped by spaces, no-break spaces (U+00A0) and narrow no-break spaces (U+202F),
// in groups of three digits, so that `1,5` is never read as 15 by mistake.
const SPACES = '\\u0020\\u00A0\\u202F';
const DOT_DECIMAL = new RegExp(`^[+-]?(?:\\d+|\\d{1,3}(?:[${SPACES}]\\d{3})+)?(?:\\.\\d*)?(?:[eE][+-]?\\d+)?$`);
const COMMA_DECIMAL = new RegExp(`^[+-]?(?:\\d+|\\d{1,3}(?:[${SPACES}.]\\d{3})+)?(?:,\\d*)?$`);
const PLAIN_INTEGER = /^[+-]?\d+$/;
const GROUPING = new RegExp(`[${SPACES}]`, 'g');

/** Parses a decimal text with `separator`, or returns NaN. */
function parseDecimal(text: string, separator: '.' | ','): number {
  // Most values are plain digits, which one cheap test lets through.
  if (PLAIN_INTEGER.test(text)) return Number(text);
  if (!/\d/.test(text)) return Number.NaN;
  if (separator === '.') {
    if (!DOT_DECIMAL.test(text)) return Number.NaN;
    return Number(text.replace(GROUPING, ''));
  }
  if (!COMMA_DECIMAL.test(text)) return Number.NaN;
  return Number(text.replace(GROUPING, '').replaceAll('.', '').replace(',', '.'));
}

function numberConverter(separator: '.' | ','): Converter {
  const failure = new ConversionFailure(
    'INVALID_NUMBER',
    separator === ','
      ? 'a number with a decimal comma (1 234,56)'
      : "a number with a decimal point (1234.56); set decimalSeparator ',' for a decimal comma",
  );
  return (raw) => {
    if (typeof raw === 'number') return Number.isFinite(raw) ? raw : failure;
    if (typeof raw === 'bigint') return Number(raw);
    if (typeof raw !== 'string') return failure;
    const value = parseDecimal(raw, separator);
    return Number.isFinite(value) ? value : failure;
  };
}

function integerConverter(separator: '.' | ','): Converter {
  const failure = new ConversionFailure(
    'INVALID_INTEGER',
    `a whole number between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`,
  );
  return (raw) => {
    if (typeof raw === 'bigint') {
      return raw >= BigInt(Number.MIN_SAFE_INTEGER) && raw <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(raw) : failure;
    }
    let value = Number.NaN;
    if (typeof raw === 'number') value = raw;
    else if (typeof raw === 'string') value = parseDecimal(raw, separator);
    return Number.isSafeInteger(value) ? value : failure;
  };
}

const booleanWords = new Map<string, boolean>([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
  ['yes', true],
  ['no', false],
  ['oui', true],
  ['non', false],
]);
const booleanFailure = new ConversionFailure('INVALID_BOOLEAN', 'one of true, false, 1, 0, yes, no, oui, non');

function convertBoolean(raw: unknown): unknown {
  if (typeof raw === 'boolean') return raw;
  if (raw === 1 || raw === 0) return raw === 1;
  if (typeof raw !== 'string') return booleanFailure;
  return booleanWords.get(raw.toLowerCase()) ?? booleanFailure;
}

function convertJson(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw instanceof Date ? raw.toISOString() : raw;
  try {
    return JSON.parse(raw);
  } catch {
    return new ConversionFailure('INVALID_JSON', 'a JSON value');
  }
}

function dateConverter(format: string | undefined): Converter {
  const pattern = format ?? 'yyyy-MM-dd';
  const parse: DateParser = compileDatePattern(pattern);
  const failure = new ConversionFailure('INVALID_DATE', `a date in the format ${pattern}`);
  return (raw) => {
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? failure : dayOfDate(raw);
    if (typeof raw !== 'string') return failure;
    const parts = parse(raw);
    return parts ? formatDateParts(parts) : failure;
  };
}

/**
 * Returns the calendar day of a Date from a database driver. Drivers give DATE columns as a Date at
 * local midnight (node-postgres) or at midnight UTC, so a Date at local midnight is read in local time.
 */
function dayOfDate(date: Date): string {
  const atLocalMidnight =
    date.getHours() === 0 && date.getMinutes() === 0 && date.getSeconds() === 0 && date.getMilliseconds() === 0;
  if (!atLocalMidnight) return date.toISOString().slice(0, 10);
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${String(date.getFullYear()).padStart(4, '0')}-${month}-${day}`;
}

function datetimeConverter(format: string | undefined, timezone: string): Converter {
  if (format === 'epoch' || format === 'epochMillis') return epochConverter(format === 'epoch' ? 1000 : 1);

  const pattern = format ?? 'ISO';
  const parse = compileDatePattern(pattern);
  const resolve = createInstantResolver(timezone);
  const failure = new ConversionFailure(
    'INVALID_DATETIME',
    pattern === 'ISO'
      ? 'an ISO-8601 date and time (2026-12-04T10:00:00+01:00)'
      : `a date and time in the format ${pattern}`,
  );
  return (raw) => {
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? failure : raw.getTime();
    // A number without a format is Unix epoch seconds, as everywhere else in the API.
    if (typeof raw === 'number') return Number.isFinite(raw) ? Math.round(raw * 1000) : failure;
    if (typeof raw !== 'string') return failure;
    const parts = parse(raw);
    return parts ? resolve(parts) : failure;
  };
}

function epochConverter(millisecondsPerUnit: number): Converter {
  const failure = new ConversionFailure(
    'INVALID_DATETIME',
    millisecondsPerUnit === 1000 ? 'Unix epoch seconds' : 'Unix epoch milliseconds',
  );
  return (raw) => {
    const value =
      typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    return Number.isFinite(value) ? Math.round(value * millisecondsPerUnit) : failure;
  };
}
