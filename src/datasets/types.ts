// The warehouse side of ingestion: typed dataset tables, mapping of source records to dataset rows,
// row errors, and batches that become visible atomically. The engine drives these interfaces; it
// never issues warehouse SQL itself.

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'json';

export const fieldTypes: readonly FieldType[] = ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'json'];

export interface DatasetField {
  name: string;
  type: FieldType;
  required?: boolean;
}

export interface DatasetSchema {
  fields: DatasetField[];
}

/** The dataset facts the warehouse uses: id, schema and primary key. */
export interface DatasetDefinition {
  id: string;
  schema: DatasetSchema;
  /** Field names; without one, runs append, with one, runs upsert by key. */
  primaryKey?: string[];
}

/** One mapping rule: a source column into a dataset field, with its parse options. */
export interface MappingRule {
  source: string;
  destination: string;
  /** Date or datetime pattern such as `dd/MM/yyyy` or `yyyy-MM-dd HH:mm:ss`. */
  format?: string;
  /** IANA zone for datetime values without an offset; default the flow's zone, then UTC. */
  timezone?: string;
  /** `.` (default) or `,`; with `,`, spaces and dots group thousands (`1 234,56`). */
  decimalSeparator?: '.' | ',';
  /** Trim surrounding white space before converting (default true). */
  trim?: boolean;
}

/** A row-level problem, stored with the run and shown in the UI. */
export interface RowError {
  /** File path or table name. */
  origin: string;
  rowNumber: number;
  field?: string;
  code: string;
  message: string;
  /** The raw value, truncated to 200 characters. */
  rawValue?: string;
}

/**
 * A dataset row: field name to converted value. Rows written carry `datetime` as epoch ms and `date`
 * as `yyyy-MM-dd`. Rows read back (`readRows`, `streamRows`) carry API form, with `datetime` as an
 * ISO-8601 UTC string.
 */
export type DatasetRow = Record<string, unknown>;

export interface BatchInfo {
  id: string;
  datasetId: string;
  runId: string;
  status: 'staged' | 'committed' | 'superseded';
  recordCount: number;
  createdAt: number;
  committedAt: number | null;
}

export interface BatchWriter {
  readonly batchId: string;
  /** Appends rows to the staging area; nothing is visible until `commit`. */
  write(rows: DatasetRow[]): Promise<void>;
  /**
   * Makes the batch visible in one transaction, and removes from view the rows of the batches it
   * supersedes (the batches of the run it retries and that run's own ancestors).
   */
  commit(options: { supersedesBatchIds: string[] }): Promise<{ recordCount: number }>;
  /** Drops the staged rows; the batch never becomes visible. */
  abort(): Promise<void>;
}

export interface RowPage {
  items: DatasetRow[];
  nextOffset: number | null;
}

export interface Warehouse {
  /** Creates the dataset's table, or checks that the existing one fits the schema. */
  ensureDataset(dataset: DatasetDefinition): Promise<void>;
  dropDataset(datasetId: string): Promise<void>;

  /** Opens a staging batch for one run attempt. Staging left by an earlier attempt is dropped. */
  openBatch(dataset: DatasetDefinition, runId: string): Promise<BatchWriter>;
  /** The committed batch of a run, if one exists: lets a recovered run finish without re-reading. */
  findCommittedBatch(runId: string): Promise<BatchInfo | null>;

  listBatches(datasetId: string, options: { limit: number; offset: number }): Promise<BatchInfo[]>;
  stats(datasetId: string): Promise<{ rowCount: number; batchCount: number }>;
  readRows(dataset: DatasetDefinition, options: { limit: number; offset: number; batchId?: string }): Promise<RowPage>;
  /** Streams every visible row (or one batch's) in batches, for export. */
  streamRows(dataset: DatasetDefinition, options: { batchId?: string }): AsyncIterable<DatasetRow[]>;

  close(): Promise<void>;
}
