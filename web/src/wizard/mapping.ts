// The mapping the wizard proposes from a preview's inferred columns; the user edits it before the
// dataset and the flow are created from it.

import type { ColumnInfo, DatasetField, FieldType, MappingRule } from '../api/types.ts';

export interface MappingRow {
  include: boolean;
  source: string;
  destination: string;
  type: FieldType;
  required: boolean;
  /** Date or datetime pattern such as dd/MM/yyyy; empty to accept ISO values. */
  format: string;
  decimalComma: boolean;
}

/** Turns a column name into a field name of letters, digits and underscores that does not start with a digit. */
export function fieldNameOf(column: string): string {
  const name = column
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') return 'field';
  return /^\d/.test(name) ? `_${name}` : name;
}

export function proposeMapping(columns: ColumnInfo[]): MappingRow[] {
  return columns.map((column) => ({
    include: true,
    source: column.name,
    destination: fieldNameOf(column.name),
    type: column.type,
    required: false,
    format: column.format ?? '',
    decimalComma: column.decimalSeparator === ',',
  }));
}

/** Builds the dataset fields; a primary key field is required, since every row needs its key. */
export function fieldsOf(rows: MappingRow[], primaryKey: string): DatasetField[] {
  return rows
    .filter((row) => row.include)
    .map((row) => {
      const required = row.required || row.destination === primaryKey;
      return { name: row.destination, type: row.type, ...(required ? { required: true } : {}) };
    });
}

export function rulesOf(rows: MappingRow[]): MappingRule[] {
  return rows
    .filter((row) => row.include)
    .map((row) => ({
      source: row.source,
      destination: row.destination,
      ...(row.format.trim() && (row.type === 'date' || row.type === 'datetime') ? { format: row.format.trim() } : {}),
      ...(row.decimalComma && row.type === 'number' ? { decimalSeparator: ',' as const } : {}),
    }));
}
