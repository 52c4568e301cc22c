// Row types of the metadata database, as Kysely types them. Times are epoch milliseconds (bigint in
// PostgreSQL, integer in SQLite); JSON columns are text; booleans are 0 or 1.

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface SandboxesTable {
  id: string;
  org_id: string;
  name: string;
  title: string;
  type: 'production' | 'development';
  is_default: number;
  created_at: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  created_at: number;
}

export interface MembershipsTable {
  user_id: string;
  org_id: string;
  role: 'admin' | 'editor' | 'viewer';
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the token, hex; the token itself is never stored. */
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** Columns that every sandbox-scoped resource has. */
interface ScopedResource {
  id: string;
  org_id: string;
  sandbox: string;
  name: string;
  etag: string;
  created_at: number;
  updated_at: number;
  created_by: string;
}

export interface ConnectionsTable extends ScopedResource {
  spec_id: string;
  /** JSON of the non-secret `auth.params`. */
  params: string;
  /** AES-256-GCM envelope of the secret `auth.params`, or null when there are none. */
  secrets: string | null;
  description: string | null;
}

export interface SourceConnectionsTable extends ScopedResource {
  base_connection_id: string;
  data: string;
  params: string;
  description: string | null;
}

export interface DatasetsTable extends ScopedResource {
  schema: string;
  primary_key: string | null;
  description: string | null;
}

export interface FlowsTable extends ScopedResource {
  source_connection_ids: string;
  target_dataset_id: string;
  transformations: string;
  schedule: string;
  options: string;
  state: 'enabled' | 'disabled';
  /** Set by the flow definition or the first on-demand run, then fixed. */
  delta_column: string | null;
  /** End of the newest scheduled window created so far; the scheduler continues from here. */
  schedule_cursor: number | null;
  /** When the flow was last disabled; catch-up after enabling starts from here. */
  disabled_at: number | null;
  description: string | null;
}

export interface RunsTable {
  id: string;
  org_id: string;
  sandbox: string;
  flow_id: string;
  status: 'scheduled' | 'inProgress' | 'success' | 'failed' | 'cancelled';
  trigger: 'schedule' | 'onDemand' | 'retry';
  retry_of: string | null;
  superseded: number;
  attempt: number;
  due_at: number;
  window_start: number;
  window_end: number;
  delta_column: string | null;
  /** `flowId:windowStart:windowEnd` for scheduled runs, unique, so schedulers never create one twice. */
  schedule_key: string | null;
  metrics: string;
  errors: string;
  batch_id: string | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  cancel_requested: number;
  started_at: number | null;
  completed_at: number | null;
  etag: string;
  created_at: number;
  updated_at: number;
  created_by: string;
}

export interface RunRowErrorsTable {
  run_id: string;
  seq: number;
  origin: string;
  row_number: number;
  field: string | null;
  code: string;
  message: string;
  raw_value: string | null;
}

export interface IdempotencyKeysTable {
  org_id: string;
  sandbox: string;
  key: string;
  request_hash: string;
  run_id: string;
  created_at: number;
}

export interface WebhooksTable {
  id: string;
  org_id: string;
  sandbox: string;
  url: string;
  /** AES-256-GCM envelope of the signing secret. */
  secret: string;
  events: string;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  run_id: string;
  event: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_error: string | null;
  next_attempt_at: number;
  created_at: number;
  delivered_at: number | null;
}

export interface Database {
  organizations: OrganizationsTable;
  sandboxes: SandboxesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_tokens: ApiTokensTable;
  connections: ConnectionsTable;
  source_connections: SourceConnectionsTable;
  datasets: DatasetsTable;
  flows: FlowsTable;
  runs: RunsTable;
  run_row_errors: RunRowErrorsTable;
  idempotency_keys: IdempotencyKeysTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
