import { TributaryError } from '../domain/errors.ts';
import { validateDatasetSchema } from './schema.ts';
import type { BatchInfo, DatasetDefinition, FieldType } from './types.ts';

// Names and checks that both warehouse dialects share. Table names come from ids that the server
// generates, never from user input. Column names are field names, which `validateDatasetSchema`
// restricts to letters, digits and `_`, and they are quoted all the same.

export const BATCHES_TABLE = '_tributary_batches';

/** Rows per read when streaming a dataset for export. */
export const STREAM_PAGE_ROWS = 5_000;

const ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/** Returns the dataset table of a dataset id, such as `ds_0f6c…` for a UUID. */
export function datasetTableName(datasetId: string): string {
  return `ds_${checkedId(datasetId, 'dataset id')}`;
}

/** Returns the staging table of a batch id. */
export function stagingTableName(batchId: string): string {
  return `stg_${checkedId(batchId, 'batch id')}`;
}

function checkedId(id: string, what: string): string {
  if (!ID_PATTERN.test(id)) throw new Error(`Invalid ${what} '${id}': expected letters, digits and dashes.`);
  return id.replaceAll('-', '').toLowerCase();
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Validates a dataset definition before any DDL uses its field names. */
export function checkDefinition(dataset: DatasetDefinition): void {
  validateDatasetSchema(dataset.schema, dataset.primaryKey);
}

/**
 * Compares an existing table's columns with the schema. Returns the fields to add; throws
 * `INVALID_DATASET_SCHEMA` when an existing column has another type than its field.
 */
export function fieldsToAdd(
  dataset: DatasetDefinition,
  existingColumns: Map<string, string>,
  columnType: (type: FieldType) => string,
): DatasetDefinition['schema']['fields'] {
  const missing = [];
  for (const field of dataset.schema.fields) {
    const existing = existingColumns.get(field.name);
    if (existing === undefined) {
      missing.push(field);
      continue;
    }
    if (existing.toLowerCase() !== columnType(field.type).toLowerCase()) {
      throw new TributaryError(
        'INVALID_DATASET_SCHEMA',
        `Field '${field.name}' of dataset ${dataset.id} is stored as ${existing} in the warehouse, which does not fit type ${field.type}; keep its type or create a new dataset.`,
        { errors: [{ path: `schema.fields.${field.name}.type`, message: 'type differs from the stored column' }] },
      );
    }
  }
  return missing;
}

export interface BatchRow {
  id: string;
  dataset_id: string;
  run_id: string;
  status: BatchInfo['status'];
  record_count: number;
  created_at: number;
  committed_at: number | null;
}

export function toBatchInfo(row: BatchRow): BatchInfo {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    runId: row.run_id,
    status: row.status,
    recordCount: Number(row.record_count),
    createdAt: Number(row.created_at),
    committedAt: row.committed_at === null ? null : Number(row.committed_at),
  };
}

/** Thrown when a run that already committed opens a batch again. */
export function runAlreadyCommitted(runId: string, batchId: string): TributaryError {
  return new TributaryError(
    'CONFLICT',
    `Run ${runId} already committed batch ${batchId}; call findCommittedBatch before opening a new batch for it.`,
  );
}

export function batchNotStaged(batchId: string, status: string | undefined): Error {
  return new Error(
    status === undefined
      ? `Batch ${batchId} no longer exists: a later attempt of its run replaced it, so this attempt must stop.`
      : `Batch ${batchId} is ${status}, not staged, so it cannot be committed again.`,
  );
}
