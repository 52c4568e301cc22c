import type { RecordBatch } from '../connectors/types.ts';
import { TributaryError, type FieldError } from '../domain/errors.ts';
import { compileConverter, ConversionFailure, type Converter } from './converters.ts';
import { compileDatePattern, DatePatternError, isKnownTimeZone, SPECIAL_FORMATS } from './date-pattern.ts';
import type { DatasetRow, DatasetSchema, MappingRule, RowError } from './types.ts';

// Maps source records to dataset rows. Each dataset field gets a converter compiled once from its
// type and mapping rule. A value that does not convert becomes a row error, and its row is dropped.
// Empty values (null, or a string that is empty after trimming) become null, and a required field
// that ends up null is a `MISSING_REQUIRED` row error. Dataset fields without a rule are null.

export const RAW_VALUE_MAX_LENGTH = 200;

export interface MapperOptions {
  schema: DatasetSchema;
  mapping: MappingRule[];
  /** IANA zone for date-times without an offset when a rule names none; default UTC. */
  timezone?: string;
}

export interface MappedBatch {
  rows: DatasetRow[];
  /** Every conversion problem; a row with several bad fields has several errors. */
  errors: RowError[];
  /** Records that produced no row, because at least one of their fields failed. */
  failedCount: number;
}

export interface Mapper {
  map(batch: RecordBatch): MappedBatch;
}

interface CompiledField {
  name: string;
  required: boolean;
  source: string | undefined;
  trim: boolean;
  convert: Converter;
}

/** Validates the mapping and compiles one converter per dataset field. */
export function createMapper(options: MapperOptions): Mapper {
  validateMapping(options.mapping, options.schema);
  const timezone = options.timezone ?? 'UTC';
  if (!isKnownTimeZone(timezone)) {
    throw new TributaryError(
      'INVALID_TIMEZONE',
      `The time zone '${timezone}' is not a known IANA zone; use one such as 'Europe/Paris'.`,
    );
  }

  const fields: CompiledField[] = options.schema.fields.map((field) => {
    const rule = options.mapping.find((candidate) => candidate.destination === field.name);
    return {
      name: field.name,
      required: field.required === true,
      source: rule?.source,
      trim: rule?.trim ?? true,
      convert: compileConverter({ type: field.type, rule, timezone }),
    };
  });

  return { map: (batch) => mapBatch(fields, batch) };
}

function mapBatch(fields: CompiledField[], batch: RecordBatch): MappedBatch {
  const rows: DatasetRow[] = [];
  const errors: RowError[] = [];
  let failedCount = 0;

  for (let index = 0; index < batch.records.length; index += 1) {
    const record = batch.records[index]!;
    const row: DatasetRow = {};
    let failed = false;

    for (const field of fields) {
      let raw = field.source === undefined ? null : record[field.source];
      if (typeof raw === 'string' && field.trim) raw = raw.trim();
      const empty = raw === null || raw === undefined || raw === '';

      if (empty) {
        row[field.name] = null;
        if (!field.required) continue;
        failed = true;
        errors.push(
          rowError(
            batch,
            index,
            field,
            'MISSING_REQUIRED',
            `Field '${field.name}' is required but the source value is empty; fill in column '${field.source ?? '(unmapped)'}' or make the field optional.`,
            raw,
          ),
        );
        continue;
      }

      const value = field.convert(raw);
      if (value instanceof ConversionFailure) {
        failed = true;
        errors.push(
          rowError(
            batch,
            index,
            field,
            value.code,
            `Field '${field.name}' expects ${value.expected}; got ${describeRaw(raw)} in column '${field.source}'.`,
            raw,
          ),
        );
        continue;
      }
      row[field.name] = value;
    }

    if (failed) failedCount += 1;
    else rows.push(row);
  }
  return { rows, errors, failedCount };
}

function rowError(
  batch: RecordBatch,
  index: number,
  field: CompiledField,
  code: string,
  message: string,
  raw: unknown,
): RowError {
  const error: RowError = {
    origin: batch.origin,
    rowNumber: batch.firstRowNumber + index,
    field: field.name,
    code,
    message,
  };
  if (raw !== null && raw !== undefined) error.rawValue = truncate(rawText(raw));
  return error;
}

function rawText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? 'Invalid Date' : raw.toISOString();
  if (typeof raw === 'object') return JSON.stringify(raw) ?? String(raw);
  return String(raw);
}

function truncate(text: string): string {
  return text.length > RAW_VALUE_MAX_LENGTH ? text.slice(0, RAW_VALUE_MAX_LENGTH) : text;
}

function describeRaw(raw: unknown): string {
  const text = truncate(rawText(raw));
  return typeof raw === 'string' ? `'${text}'` : `${text} (${typeof raw})`;
}

/**
 * Checks mapping rules against the dataset schema and, when given, the source's column names.
 * Throws `INVALID_MAPPING` listing every problem, each naming the rule, the value and the fix.
 */
export function validateMapping(
  mapping: unknown,
  schema: DatasetSchema,
  sourceColumns?: string[],
): asserts mapping is MappingRule[] {
  if (!Array.isArray(mapping)) {
    throw new TributaryError('INVALID_MAPPING', 'mapping must be an array of { source, destination } rules.', {
      errors: [{ path: 'mapping', message: 'expected an array' }],
    });
  }

  const errors: FieldError[] = [];
  const destinations = new Set<string>();
  mapping.forEach((rule: unknown, index) =>
    errors.push(...ruleErrors(rule, index, schema, destinations, sourceColumns)),
  );

  for (const field of schema.fields) {
    if (field.required && !destinations.has(field.name)) {
      errors.push({
        path: 'mapping',
        message: `The required field '${field.name}' has no mapping rule, so every row would fail; add a rule with destination '${field.name}'.`,
      });
    }
  }
  if (errors.length === 0) return;
  throw new TributaryError('INVALID_MAPPING', errors.map((error) => error.message).join(' '), { errors });
}

function ruleErrors(
  value: unknown,
  index: number,
  schema: DatasetSchema,
  destinations: Set<string>,
  sourceColumns: string[] | undefined,
): FieldError[] {
  const path = `mapping[${index}]`;
  const rule = (value ?? {}) as Partial<Record<keyof MappingRule, unknown>>;
  const errors: FieldError[] = [];
  const fail = (member: string, message: string) =>
    errors.push({ path: `${path}.${member}`, message: `${path}.${member} ${message}` });

  if (typeof rule.source !== 'string' || rule.source === '') {
    fail('source', `${JSON.stringify(rule.source)} must be the name of a source column.`);
  } else if (sourceColumns && !sourceColumns.includes(rule.source)) {
    fail(
      'source',
      `'${rule.source}' is not a column of the source; use one of ${sourceColumns.map((name) => `'${name}'`).join(', ')}.`,
    );
  }

  const field = schema.fields.find((candidate) => candidate.name === rule.destination);
  if (!field) {
    fail(
      'destination',
      `${JSON.stringify(rule.destination)} is not a field of the dataset; use one of ${schema.fields.map((candidate) => `'${candidate.name}'`).join(', ')}.`,
    );
  } else if (destinations.has(field.name)) {
    fail('destination', `'${field.name}' already has a rule; map each dataset field once.`);
  } else {
    destinations.add(field.name);
  }

  if (rule.format !== undefined) {
    if (typeof rule.format !== 'string' || (field && field.type !== 'date' && field.type !== 'datetime')) {
      fail('format', `${JSON.stringify(rule.format)} applies only to date and datetime fields; remove it.`);
    } else if (
      field?.type === 'date' &&
      (SPECIAL_FORMATS as readonly string[]).includes(rule.format) &&
      rule.format !== 'ISO'
    ) {
      fail('format', `'${rule.format}' applies only to datetime fields; use a pattern such as 'dd/MM/yyyy'.`);
    } else if (!(SPECIAL_FORMATS as readonly string[]).includes(rule.format)) {
      try {
        compileDatePattern(rule.format);
      } catch (error) {
        if (!(error instanceof DatePatternError)) throw error;
        fail(
          'format',
          `'${rule.format}' is not a valid date pattern: ${error.message}; use letters such as 'dd/MM/yyyy HH:mm'.`,
        );
      }
    }
  }
  if (rule.timezone !== undefined && (typeof rule.timezone !== 'string' || !isKnownTimeZone(rule.timezone))) {
    fail('timezone', `${JSON.stringify(rule.timezone)} is not a known IANA time zone; use one such as 'Europe/Paris'.`);
  }
  if (rule.decimalSeparator !== undefined && rule.decimalSeparator !== '.' && rule.decimalSeparator !== ',') {
    fail('decimalSeparator', `${JSON.stringify(rule.decimalSeparator)} must be '.' or ','.`);
  }
  if (rule.trim !== undefined && typeof rule.trim !== 'boolean') {
    fail('trim', `${JSON.stringify(rule.trim)} must be true or false.`);
  }
  return errors;
}
