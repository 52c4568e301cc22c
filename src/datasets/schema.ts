import { TributaryError, type FieldError } from '../domain/errors.ts';
import { fieldTypes, type DatasetSchema, type FieldType } from './types.ts';

// Field names become quoted column names in the warehouse. The rule keeps them portable between
// SQLite and PostgreSQL: a letter first, then letters, digits or `_`, at most 63 characters
// (PostgreSQL's identifier limit), unique ignoring case (SQLite column names ignore case). Names
// starting with `_` are reserved for the warehouse's own columns (`_batch_id`, `_row`).

export const FIELD_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
export const FIELD_NAME_MAX_LENGTH = 63;
export const MAX_FIELDS = 500;

/** Field types that can be part of a primary key: json values have no stable equality. */
const keyableTypes: ReadonlySet<FieldType> = new Set(['string', 'integer', 'number', 'boolean', 'date', 'datetime']);

/**
 * Checks a dataset schema and its primary key, and throws `INVALID_DATASET_SCHEMA` listing every
 * problem found, each naming the field, the value and the fix.
 */
export function validateDatasetSchema(schema: unknown, primaryKey?: unknown): asserts schema is DatasetSchema {
  const errors = schemaErrors(schema);
  if (errors.length === 0) errors.push(...primaryKeyErrors(schema as DatasetSchema, primaryKey));
  if (errors.length === 0) return;

  throw new TributaryError('INVALID_DATASET_SCHEMA', errors.map((error) => error.message).join(' '), { errors });
}

function schemaErrors(schema: unknown): FieldError[] {
  const fields = (schema as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(fields) || fields.length === 0) {
    return [{ path: 'schema.fields', message: 'schema.fields must be a non-empty array of { name, type, required }.' }];
  }
  if (fields.length > MAX_FIELDS) {
    return [
      { path: 'schema.fields', message: `schema.fields has ${fields.length} fields; the maximum is ${MAX_FIELDS}.` },
    ];
  }

  const errors: FieldError[] = [];
  const seen = new Map<string, string>();
  fields.forEach((field: unknown, index) => {
    const path = `schema.fields[${index}]`;
    const { name, type, required } = (field ?? {}) as Record<string, unknown>;

    if (typeof name !== 'string' || !FIELD_NAME_PATTERN.test(name) || name.length > FIELD_NAME_MAX_LENGTH) {
      errors.push({
        path: `${path}.name`,
        message: `${path}.name ${JSON.stringify(name)} is invalid; start with a letter and use only letters, digits and _ (at most ${FIELD_NAME_MAX_LENGTH} characters), such as 'orderId'.`,
      });
    } else {
      const previous = seen.get(name.toLowerCase());
      if (previous !== undefined) {
        errors.push({
          path: `${path}.name`,
          message: `${path}.name '${name}' repeats the field '${previous}' (names are compared ignoring case); rename one of them.`,
        });
      }
      seen.set(name.toLowerCase(), name);
    }

    if (typeof type !== 'string' || !(fieldTypes as readonly string[]).includes(type)) {
      errors.push({
        path: `${path}.type`,
        message: `${path}.type ${JSON.stringify(type)} is not a field type; use one of ${fieldTypes.join(', ')}.`,
      });
    }
    if (required !== undefined && typeof required !== 'boolean') {
      errors.push({
        path: `${path}.required`,
        message: `${path}.required ${JSON.stringify(required)} must be true or false.`,
      });
    }
  });
  return errors;
}

function primaryKeyErrors(schema: DatasetSchema, primaryKey: unknown): FieldError[] {
  if (primaryKey === undefined || primaryKey === null) return [];
  if (!Array.isArray(primaryKey) || primaryKey.length === 0) {
    return [
      { path: 'primaryKey', message: 'primaryKey must be a non-empty array of field names, or be left out to append.' },
    ];
  }

  const errors: FieldError[] = [];
  const names = new Set<string>();
  primaryKey.forEach((name: unknown, index) => {
    const path = `primaryKey[${index}]`;
    const field = schema.fields.find((candidate) => candidate.name === name);
    if (!field) {
      errors.push({ path, message: `${path} ${JSON.stringify(name)} is not a field of the schema; use a field name.` });
      return;
    }
    if (names.has(field.name)) errors.push({ path, message: `${path} '${field.name}' appears twice; list it once.` });
    names.add(field.name);
    if (!keyableTypes.has(field.type)) {
      errors.push({
        path,
        message: `${path} '${field.name}' has type ${field.type}, which cannot be a key; pick another field.`,
      });
    }
    if (field.required !== true) {
      errors.push({
        path,
        message: `${path} '${field.name}' is not required, so rows could have no key; set "required": true on that field.`,
      });
    }
  });
  return errors;
}
