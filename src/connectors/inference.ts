import type { ColumnInfo, InferredType } from './types.ts';

// Type inference from sample values, which must never lose data. A column is proposed as a number or a
// date only when every sampled value parses as one. Digit strings with leading zeros (postal and INSEE
// codes, phone numbers) and codes that mix letters and digits (`2A004`) therefore stay strings.

/** How many rows explore samples for inference: well beyond the preview rows. */
export const INFERENCE_SAMPLE_ROWS = 1000;

/** An inferred column, with the date pattern or decimal separator that its text values follow. */
export type InferredColumn = ColumnInfo;

/** The kind of one sample value. */
type ValueKind =
  | { kind: 'empty' }
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'integer' }
  | { kind: 'number'; decimalSeparator?: '.' | ',' }
  | { kind: 'date' | 'datetime'; format: string; dayFirst?: 'day' | 'month' | 'either' }
  | { kind: 'json' };

// A plain integer: no leading zero (that would be a code), at most 15 digits so it fits a double.
const INTEGER = /^[+-]?(?:0|[1-9]\d{0,14})$/;
const DECIMAL_DOT =
  /^[+-]?(?:0|[1-9]\d*)\.\d+$|^[+-]?(?:0|[1-9]\d*)(?:\.\d+)?[eE][+-]?\d+$|^[+-]?[1-9]\d{0,2}(?:,\d{3})+\.\d+$/;
// `12,5`, `1 234,56`, `1.234,56`, with a space, no-break space or narrow no-break space as grouping.
const DECIMAL_COMMA = /^[+-]?(?:0|[1-9]\d*|[1-9]\d{0,2}(?:[ \u00a0\u202f.]\d{3})+),\d+$/;
// `1 234`: an integer with grouping spaces, which only a decimal-comma parser reads.
const GROUPED_INTEGER = /^[+-]?[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2})(:\d{2})?(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;
const SLASH_DATE = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2})(:\d{2})?)?$/;

export function classifyValue(value: unknown): ValueKind {
  if (value === null || value === undefined) return { kind: 'empty' };
  if (typeof value === 'boolean') return { kind: 'boolean' };
  if (typeof value === 'bigint') return { kind: 'integer' };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { kind: 'integer' } : { kind: 'number', decimalSeparator: '.' };
  if (value instanceof Date) return { kind: 'datetime', format: 'ISO' };
  if (typeof value === 'object') return { kind: 'json' };
  if (typeof value !== 'string') return { kind: 'string' };

  const text = value.trim();
  if (text === '') return { kind: 'empty' };
  if (/^(?:true|false)$/i.test(text)) return { kind: 'boolean' };
  if (INTEGER.test(text)) return { kind: 'integer' };
  if (DECIMAL_DOT.test(text)) return { kind: 'number', decimalSeparator: '.' };
  if (DECIMAL_COMMA.test(text)) return { kind: 'number', decimalSeparator: ',' };
  if (GROUPED_INTEGER.test(text)) return { kind: 'number', decimalSeparator: ',' };
  return classifyDate(text) ?? classifyJson(text) ?? { kind: 'string' };
}

function classifyDate(text: string): ValueKind | undefined {
  const iso = ISO_DATE.exec(text);
  if (iso) return validDate(+iso[1]!, +iso[2]!, +iso[3]!) ? { kind: 'date', format: 'yyyy-MM-dd' } : undefined;

  const isoTime = ISO_DATETIME.exec(text);
  if (isoTime) {
    const [, year, month, day, separator, hour, minute, seconds, fraction, offset] = isoTime;
    if (!validDate(+year!, +month!, +day!) || +hour! > 23 || +minute! > 59) return undefined;
    // The mapping's `ISO` format reads any offset (`Z`, `+01:00`, `+0100`), so values with one need no exact pattern.
    if (offset) return { kind: 'datetime', format: 'ISO' };
    const time = `HH:mm${seconds ? ':ss' : ''}${fraction ? `.${'S'.repeat(fraction.length - 1)}` : ''}`;
    return { kind: 'datetime', format: `yyyy-MM-dd${separator === 'T' ? "'T'" : ' '}${time}` };
  }

  const slash = SLASH_DATE.exec(text);
  if (!slash) return undefined;
  const [, first, second, year, hour, minute, seconds] = slash;
  const dayFirst = validDate(+year!, +second!, +first!);
  const monthFirst = validDate(+year!, +first!, +second!);
  if (!dayFirst && !monthFirst) return undefined;
  if (hour !== undefined && (+hour > 23 || +minute! > 59)) return undefined;
  let order: 'day' | 'month' | 'either' = dayFirst ? 'day' : 'month';
  if (dayFirst && monthFirst) order = 'either';
  let time = '';
  if (hour !== undefined) time = seconds ? ' HH:mm:ss' : ' HH:mm';
  return { kind: hour === undefined ? 'date' : 'datetime', format: `/yyyy${time}`, dayFirst: order };
}

function classifyJson(text: string): ValueKind | undefined {
  if (!/^[[{]/.test(text)) return undefined;
  try {
    JSON.parse(text);
    return { kind: 'json' };
  } catch {
    return undefined;
  }
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Infers one column's type from its sample values. */
export function inferColumn(name: string, values: unknown[]): InferredColumn {
  const kinds = values.map(classifyValue).filter((kind) => kind.kind !== 'empty');
  const column = (type: InferredType, extra: Partial<InferredColumn> = {}): InferredColumn => ({
    name,
    type,
    ...extra,
  });
  if (kinds.length === 0) return column('string');

  const names = new Set(kinds.map((kind) => kind.kind));
  if (names.has('string')) return column('string');
  if (names.size === 1 && (names.has('boolean') || names.has('json'))) return column(kinds[0]!.kind as InferredType);
  if ([...names].every((kind) => kind === 'integer' || kind === 'number')) return inferNumber(column, kinds);
  if ([...names].every((kind) => kind === 'date' || kind === 'datetime')) return inferTemporal(column, kinds);
  return column('string');
}

function inferNumber(
  column: (type: InferredType, extra?: Partial<InferredColumn>) => InferredColumn,
  kinds: ValueKind[],
): InferredColumn {
  const separators = new Set(
    kinds.flatMap((kind) => (kind.kind === 'number' && kind.decimalSeparator ? [kind.decimalSeparator] : [])),
  );
  if (separators.size === 0) return column('integer');
  // `1.5` and `1,5` in one column: one of them would be misread, so keep the text.
  if (separators.size > 1) return column('string');
  return column('number', { decimalSeparator: [...separators][0] });
}

function inferTemporal(
  column: (type: InferredType, extra?: Partial<InferredColumn>) => InferredColumn,
  kinds: ValueKind[],
): InferredColumn {
  const temporal = kinds as Extract<ValueKind, { kind: 'date' | 'datetime' }>[];
  const type: InferredType = temporal.some((kind) => kind.kind === 'datetime') ? 'datetime' : 'date';
  const slashed = temporal.filter((kind) => kind.dayFirst !== undefined);
  if (slashed.length > 0 && slashed.length < temporal.length) return column('string');

  if (slashed.length > 0) {
    const canBeDayFirst = slashed.every((kind) => kind.dayFirst !== 'month');
    const canBeMonthFirst = slashed.every((kind) => kind.dayFirst !== 'day');
    if (!canBeDayFirst && !canBeMonthFirst) return column('string');
    // Ambiguous `04/12/2026` is read day first, the European order of the exports we expect.
    const prefix = canBeDayFirst ? 'dd/MM' : 'MM/dd';
    const formats = new Set(slashed.map((kind) => prefix + kind.format));
    return column(type, formats.size === 1 ? { format: [...formats][0] } : {});
  }

  const formats = new Set(temporal.map((kind) => kind.format));
  return column(type, { format: formats.size === 1 ? [...formats][0] : 'ISO' });
}

/** Infers every column of sample records, in the order of `columnNames`. */
export function inferColumns(columnNames: string[], records: Record<string, unknown>[]): InferredColumn[] {
  return columnNames.map((name) =>
    inferColumn(
      name,
      records.map((record) => record[name]),
    ),
  );
}

/** Lists the per-column format and decimal separator for `preview.detected.columns`. */
export function detectedColumnFormats(
  columns: InferredColumn[],
): Record<string, { format?: string; decimalSeparator?: string }> {
  const result: Record<string, { format?: string; decimalSeparator?: string }> = {};
  for (const column of columns) {
    if (column.format === undefined && column.decimalSeparator === undefined) continue;
    result[column.name] = {
      ...(column.format !== undefined ? { format: column.format } : {}),
      ...(column.decimalSeparator !== undefined ? { decimalSeparator: column.decimalSeparator } : {}),
    };
  }
  return result;
}
