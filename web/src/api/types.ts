// The shapes of the public API that the UI reads, as the API contract describes them. Members the
// UI does not use are left out; optional members may be absent on older servers.

export type RunStatus = 'scheduled' | 'inProgress' | 'success' | 'failed' | 'cancelled';
export type RunTrigger = 'schedule' | 'onDemand' | 'retry';
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'json';
export type Frequency = 'once' | 'minute' | 'hour' | 'day' | 'week' | 'cron';

export const fieldTypes: FieldType[] = ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'json'];
export const frequencies: Frequency[] = ['once', 'minute', 'hour', 'day', 'week', 'cron'];

export interface Page<T> {
  items: T[];
  _links?: { next?: { href: string } };
}

export interface Sandbox {
  name: string;
  title?: string;
  type?: string;
  isDefault?: boolean;
}

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  writeOnly?: boolean;
  minimum?: number;
  maximum?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

export interface ConnectionSpec {
  id: string;
  name: string;
  description: string;
  sourceKind: 'file' | 'table';
  authSpec: JsonSchema;
  sourceSpec?: JsonSchema;
  secretParams?: string[];
}

export interface Connection {
  id: string;
  etag: string;
  name: string;
  description?: string | null;
  connectionSpec: { id: string };
  auth?: { params?: Record<string, unknown> };
  createdAt: string;
}

export interface ExploreItem {
  name: string;
  path: string;
  type: 'folder' | 'file' | 'schema' | 'table' | 'view';
  sizeBytes?: number;
  modifiedAt?: string;
}

export interface ColumnInfo {
  name: string;
  type: FieldType;
  sourceType?: string;
  canBeDeltaColumn?: boolean;
  withoutTimeZone?: boolean;
  /** For files: the date pattern detected, such as `dd/MM/yyyy`. */
  format?: string;
  /** For files: the decimal separator detected in numbers. */
  decimalSeparator?: '.' | ',';
}

export interface ExploreResult {
  items: ExploreItem[];
  preview?: {
    columns: ColumnInfo[];
    rows: Record<string, unknown>[];
    detected?: Record<string, unknown>;
  };
}

export interface SourceConnection {
  id: string;
  etag: string;
  name: string;
  baseConnectionId: string;
  data: { format: string; properties?: Record<string, unknown> };
  params: Record<string, unknown>;
}

export interface DatasetField {
  name: string;
  type: FieldType;
  required?: boolean;
}

export interface Dataset {
  id: string;
  etag: string;
  name: string;
  schema: { fields: DatasetField[] };
  primaryKey?: string[] | null;
  stats?: { rowCount: number; batchCount: number };
  createdAt: string;
}

export interface Batch {
  id: string;
  runId: string;
  status: 'staged' | 'committed' | 'superseded';
  recordCount: number | null;
  createdAt: string;
  committedAt?: string | null;
}

export interface ScheduleParams {
  frequency: Frequency;
  interval?: number;
  cron?: string;
  startTime: string;
  endTime?: string | null;
  timezone?: string;
  backfill?: boolean;
}

export interface MappingRule {
  source: string;
  destination: string;
  format?: string;
  timezone?: string;
  decimalSeparator?: '.' | ',';
}

export interface Flow {
  id: string;
  etag: string;
  name: string;
  state?: 'enabled' | 'disabled';
  status?: 'enabled' | 'disabled';
  sourceConnectionIds: string[];
  targetDatasetId: string;
  transformations?: { mapping?: MappingRule[]; deltaColumn?: { name: string } | null };
  scheduleParams: ScheduleParams;
  options?: { errorThresholdPercent?: number };
  /** The newest run of the flow; absent when the flow never ran. */
  lastRun?: LastRun | null;
  createdAt: string;
}

export interface LastRun {
  id: string;
  status: RunStatus;
  windowStartTime: string;
  windowEndTime: string;
  completedAt?: string | null;
  createdAt: string;
}

export interface RunParams {
  startTime: string;
  windowStartTime: string;
  windowEndTime: string;
  deltaColumn?: { name: string } | null;
}

export interface RunMetrics {
  durationSummary?: { startedAt?: string | null; completedAt?: string | null; durationMs?: number | null };
  recordSummary?: { inputRecordCount?: number; outputRecordCount?: number; failedRecordCount?: number };
  sizeSummary?: { inputBytes?: number; outputBytes?: number };
  fileSummary?: { inputFileCount?: number; files?: { name: string; sizeBytes?: number; modifiedAt?: string }[] };
  progress?: { recordsRead?: number; bytesRead?: number; totalBytes?: number | null } | null;
}

export interface Run {
  id: string;
  etag: string;
  flowId: string;
  status: RunStatus;
  trigger: RunTrigger;
  retryOf?: string | null;
  superseded?: boolean;
  attempt?: number;
  params: RunParams;
  metrics?: RunMetrics;
  errors?: { code: string; message: string }[];
  batchId?: string | null;
  createdAt: string;
  updatedAt?: string;
}

/** A run of the same flow whose window overlaps the new run's window. */
export interface OverlapWarning {
  code: string;
  message: string;
  runId: string;
  status: RunStatus;
  windowStartTime: string;
  windowEndTime: string;
}

export interface CreatedRun extends Run {
  warnings?: OverlapWarning[];
}

/** An upcoming run: a waiting run (with its id), or a scheduled window computed from the schedule. */
export interface ScheduledRun {
  runId: string | null;
  trigger: RunTrigger;
  startTime: string;
  windowStartTime: string;
  windowEndTime: string;
}

export interface RowErrorPage {
  items: RowErrorItem[];
  /** Number of row errors of the run; the page contains the first 100. */
  count: number;
}

export interface RowErrorItem {
  origin?: string;
  rowNumber?: number;
  field?: string | null;
  code: string;
  message: string;
  rawValue?: string | null;
}

export interface BackfillWindow {
  windowStartTime: string;
  windowEndTime: string;
  action: 'create' | 'skip';
  /** Reason a window is skipped, or what its new run replaces. */
  reason: 'new' | 'succeeded' | 'failed' | 'pending' | 'reprocess';
  existingRunId: string | null;
  runId: string | null;
}

export interface BackfillResult {
  dryRun: boolean;
  windows: BackfillWindow[];
}
