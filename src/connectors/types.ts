// The contract every connector implements. A connector reads one kind of external system and imports
// nothing about runs, datasets, storage or HTTP. Adding a connector means adding one folder that exports
// a `Connector` and registering it in `registry.ts`.

import type { Logger } from 'pino';

/** A JSON Schema object, used to validate parameters and to draw the UI's forms. */
export type JsonSchema = Record<string, unknown>;

export type SourceKind = 'file' | 'table';

/** The inferred type of a source column; the same names as the dataset field types. */
export type InferredType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'json';

export interface ConnectionSpec {
  /** Stable id used in the API: `local-files`, `sftp`, `postgres`, `mysql`, `sqlite`. */
  id: string;
  name: string;
  description: string;
  sourceKind: SourceKind;
  /** Schema of `auth.params` of an account. Secret properties carry `"writeOnly": true`. */
  authSpec: JsonSchema;
  /** Schema of a source connection's `data` and `params` for this spec. */
  sourceSpec: JsonSchema;
  /** Names of the `auth.params` properties that are secrets, encrypted at rest and never returned. */
  secretParams: string[];
}

/** The decrypted parameters of an account, plus the server settings a connector may need. */
export interface ConnectionContext {
  params: Record<string, unknown>;
  /** Folders that `local-files` may read, absolute and resolved. */
  fileRoots: string[];
  signal?: AbortSignal;
  /** Logs what a connector skips or swallows, such as a link out of the roots; never given secrets. */
  logger?: Pick<Logger, 'warn' | 'debug'>;
}

/** The part of an account to read: the `data` and `params` of a source connection. */
export interface SourceDescriptor {
  data: { format: string; properties?: Record<string, unknown> };
  params: Record<string, unknown>;
}

export interface ExploreRequest {
  /** A folder relative to the account's folder, or a schema name; empty for the top level. */
  path?: string;
  /** When set, preview this file or table: its first rows and an inferred schema. */
  object?: string;
  /** For a file preview: the format and properties to parse it with (detected when absent). */
  data?: SourceDescriptor['data'];
  previewRows?: number;
}

export interface ExploreItem {
  name: string;
  /** Path to pass back as `path` or `object`. */
  path: string;
  type: 'folder' | 'file' | 'schema' | 'table' | 'view';
  sizeBytes?: number;
  modifiedAt?: string;
}

export interface ColumnInfo {
  name: string;
  type: InferredType;
  /** The source's own type name, for tables (`timestamp without time zone`, `DATETIME`). */
  sourceType?: string;
  /** For tables: true for date and time columns that can serve as a delta column. */
  canBeDeltaColumn?: boolean;
  /** For delta columns: true when values carry no time zone and are read in the flow's zone. */
  withoutTimeZone?: boolean;
  /** For text values inferred as `date` or `datetime`: the pattern they follow (`dd/MM/yyyy HH:mm`). */
  format?: string;
  /** For text values inferred as `number` or `integer`: the decimal separator they use. */
  decimalSeparator?: '.' | ',';
}

export interface ExploreResult {
  items: ExploreItem[];
  preview?: {
    columns: ColumnInfo[];
    rows: Record<string, unknown>[];
    /** For files: what was detected, to prefill the source connection's `data.properties`. */
    detected?: Record<string, unknown>;
  };
}

/** One window of one read: half-open `[startMs, endMs)` in epoch milliseconds. */
export interface ReadWindow {
  startMs: number;
  endMs: number;
}

export interface ReadRequest {
  source: SourceDescriptor;
  window: ReadWindow;
  /** Table sources: the column whose value places a row in the window. */
  deltaColumn?: string;
  /** IANA zone in which delta values without a time zone are read; default UTC. */
  timezone?: string;
  /** Record batch size hint; connectors yield batches of roughly this many records. */
  batchSize?: number;
}

/** One record: source column name to raw value (strings for text formats). */
export type SourceRecord = Record<string, unknown>;

export interface RecordBatch {
  records: SourceRecord[];
  /** File path, relative to the account's folder, or table name. */
  origin: string;
  /** Row number in the origin of the first record, counting from 1 (header rows not counted). */
  firstRowNumber: number;
  /** Bytes consumed from the source since the previous batch. */
  bytesRead: number;
}

/** A problem with one row that the connector could not parse; it still counts as input. */
export interface SourceRowError {
  origin: string;
  rowNumber: number;
  code: string;
  message: string;
  rawValue: string;
}

/** Progress and per-file facts that the executor shows while the read goes on. */
export interface ReadPlan {
  /** Files (or tables) that the window selected, with their sizes when known. */
  objects: { name: string; sizeBytes?: number; modifiedAt?: string }[];
  totalBytes?: number;
}

export interface ReadStream {
  plan: ReadPlan;
  batches: AsyncIterable<RecordBatch | { rowErrors: SourceRowError[] }>;
  close(): Promise<void>;
}

export interface Connector {
  spec: ConnectionSpec;
  /** Connects and returns normally, or throws a `ConnectorError`. */
  check(context: ConnectionContext): Promise<void>;
  explore(context: ConnectionContext, request: ExploreRequest): Promise<ExploreResult>;
  /**
   * Checks account parameters that need no remote connection, such as a folder inside the file
   * roots, so that a bad account is rejected when it is saved.
   */
  validateAccount?(context: ConnectionContext): Promise<void>;
  /** Validates a source connection against the account (paths inside roots, table in discovery). */
  validateSource(context: ConnectionContext, source: SourceDescriptor): Promise<void>;
  /** Lists the date and time columns of a table source, for the delta column check. */
  deltaColumns?(context: ConnectionContext, source: SourceDescriptor): Promise<ColumnInfo[]>;
  read(context: ConnectionContext, request: ReadRequest): Promise<ReadStream>;
}

/**
 * An error from a source system. Transient errors (connection refused or reset, timeouts, lock
 * conflicts) are retried by the engine with backoff; permanent ones fail the run at once.
 */
export class ConnectorError extends Error {
  constructor(
    readonly code:
      | 'SOURCE_UNREACHABLE'
      | 'SOURCE_AUTH_FAILED'
      | 'SOURCE_NOT_FOUND'
      | 'SOURCE_READ_FAILED'
      | 'HOST_KEY_MISMATCH'
      | 'PATH_OUTSIDE_ROOTS'
      | 'TABLE_NOT_FOUND'
      | 'UNSUPPORTED_FORMAT'
      | 'INVALID_CONNECTION_PARAMS'
      | 'INVALID_SOURCE_PARAMS'
      | 'DELTA_COLUMN_NOT_FOUND',
    message: string,
    readonly transient: boolean,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }
}
