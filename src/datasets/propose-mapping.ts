import type { ColumnInfo } from '../connectors/types.ts';
import { FIELD_NAME_MAX_LENGTH } from './schema.ts';
import type { DatasetField, DatasetSchema, MappingRule } from './types.ts';

/**
 * Proposes a dataset schema and a mapping from a source's inferred columns: one field per column,
 * named in camelCase (`Order ID` → `orderId`), of the inferred type, with the inferred date format
 * and decimal separator carried into the rule. The UI shows the proposal for the user to edit.
 */
export function proposeMapping(columns: ColumnInfo[]): { schema: DatasetSchema; mapping: MappingRule[] } {
  const fields: DatasetField[] = [];
  const mapping: MappingRule[] = [];
  const taken = new Set<string>();

  columns.forEach((column, index) => {
    const name = uniqueName(toFieldName(column.name, index), taken);
    fields.push({ name, type: column.type });

    const rule: MappingRule = { source: column.name, destination: name };
    if (column.format && (column.type === 'date' || column.type === 'datetime')) rule.format = column.format;
    if (column.decimalSeparator === ',' && (column.type === 'number' || column.type === 'integer')) {
      rule.decimalSeparator = ',';
    }
    mapping.push(rule);
  });
  return { schema: { fields }, mapping };
}

/** Turns a column name into a valid field name in camelCase. */
export function toFieldName(columnName: string, index: number): string {
  const words = columnName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    // Splits `orderId` and `HTTPStatus` into words before the non-alphanumeric split.
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');

  const camel = words
    .map((word, position) =>
      position === 0 ? word.toLowerCase() : word[0]!.toUpperCase() + word.slice(1).toLowerCase(),
    )
    .join('');
  if (camel === '') return `field${index + 1}`;
  const name = /^[A-Za-z]/.test(camel) ? camel : `field${camel}`;
  return name.slice(0, FIELD_NAME_MAX_LENGTH);
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let suffix = 2; taken.has(name.toLowerCase()); suffix += 1) {
    const tail = String(suffix);
    name = base.slice(0, FIELD_NAME_MAX_LENGTH - tail.length) + tail;
  }
  taken.add(name.toLowerCase());
  return name;
}
