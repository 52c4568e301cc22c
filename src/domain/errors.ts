// The one catalogue of error codes that the API, the CLI and the UI share. Each code has a fixed
// HTTP status and a title; the detail of each occurrence names the field, the value and the fix.
// The UI and the CLI translate by code, and a test keeps their catalogs in step with this table.

export const errorCatalogue = {
  // Requests
  VALIDATION_FAILED: { status: 400, title: 'The request body or parameters are invalid' },
  INVALID_TIME: { status: 400, title: 'A time value is invalid' },
  TIME_WITHOUT_OFFSET: { status: 400, title: 'A time value has no offset' },
  EPOCH_MILLISECONDS: { status: 400, title: 'An epoch value looks like milliseconds' },
  INVALID_WINDOW: { status: 400, title: 'The window start is not before the window end' },
  WINDOW_END_AFTER_START: { status: 400, title: 'The window ends after the ingestion start time' },
  INVALID_SCHEDULE: { status: 400, title: 'The schedule is invalid' },
  INVALID_TIMEZONE: { status: 400, title: 'The time zone is not a known IANA time zone' },
  INVALID_CRON: { status: 400, title: 'The cron expression is invalid' },
  INVALID_FILTER: { status: 400, title: 'A list filter is invalid' },
  INVALID_ORDER: { status: 400, title: 'The list order is invalid' },
  INVALID_CONTINUATION_TOKEN: { status: 400, title: 'The continuation token is invalid' },
  INVALID_LIMIT: { status: 400, title: 'The list limit is out of range' },
  INVALID_OPERATION: { status: 400, title: 'The action operation is unknown' },
  INVALID_MAPPING: { status: 400, title: 'The mapping does not fit the source or the dataset' },
  INVALID_DATASET_SCHEMA: { status: 400, title: 'The dataset schema is invalid' },
  INVALID_CONNECTION_PARAMS: { status: 400, title: 'The connection parameters are invalid' },
  INVALID_SOURCE_PARAMS: { status: 400, title: 'The source connection parameters are invalid' },
  DELTA_COLUMN_REQUIRED: { status: 400, title: 'A table-based flow needs a delta column' },
  DELTA_COLUMN_NOT_ALLOWED: { status: 400, title: 'Only table-based flows have a delta column' },
  DELTA_COLUMN_NOT_FOUND: { status: 400, title: 'The delta column is not a date or time column of the table' },
  DELTA_COLUMN_IMMUTABLE: { status: 409, title: 'The flow already has another delta column' },
  UNKNOWN_CONNECTION_SPEC: { status: 400, title: 'The connection spec is unknown' },
  PATH_OUTSIDE_ROOTS: { status: 400, title: 'The path is outside every configured file root' },
  TABLE_NOT_FOUND: { status: 400, title: 'The table is not in the source database' },
  UNSUPPORTED_FORMAT: { status: 400, title: 'The data format is not supported' },
  BODY_TOO_LARGE: { status: 413, title: 'The request body is too large' },

  // Authentication and tenancy
  UNAUTHENTICATED: { status: 401, title: 'A valid bearer token is required' },
  FORBIDDEN: { status: 403, title: 'The token does not allow this operation' },
  ORGANIZATION_REQUIRED: { status: 400, title: 'The user belongs to several organizations' },
  SANDBOX_NOT_FOUND: { status: 404, title: 'The sandbox does not exist' },

  // Resources
  NOT_FOUND: { status: 404, title: 'The resource does not exist' },
  ROUTE_NOT_FOUND: { status: 404, title: 'The route does not exist' },
  CONFLICT: { status: 409, title: 'The resource conflicts with an existing one' },
  NAME_TAKEN: { status: 409, title: 'The name is already used in this sandbox' },
  RESOURCE_IN_USE: { status: 409, title: 'The resource is still used by another resource' },
  PRECONDITION_REQUIRED: { status: 428, title: 'The If-Match header is required' },
  PRECONDITION_FAILED: { status: 412, title: 'The etag in If-Match is not the current one' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The idempotency key was used for another request' },

  // Flows and runs
  FLOW_DISABLED: { status: 409, title: 'The flow is disabled' },
  RUN_NOT_RETRYABLE: { status: 409, title: 'The run cannot be retried in its state' },
  RUN_NOT_CANCELLABLE: { status: 409, title: 'The run cannot be cancelled in its state' },
  RUN_TERMINAL: { status: 409, title: 'The run is in a terminal state' },
  RUN_TIMED_OUT: { status: 500, title: 'The run exceeded its maximum run time' },
  RUN_STALLED: { status: 500, title: 'The run read nothing for too long' },
  RUN_CANCELLED: { status: 409, title: 'The run was cancelled' },
  ERROR_THRESHOLD_EXCEEDED: { status: 422, title: 'Too many rows failed' },
  BACKFILL_TOO_LARGE: { status: 400, title: 'The backfill range has too many windows' },

  // Sources at run time
  SOURCE_UNREACHABLE: { status: 502, title: 'The source system cannot be reached' },
  SOURCE_AUTH_FAILED: { status: 502, title: 'The source system rejected the credentials' },
  SOURCE_NOT_FOUND: { status: 502, title: 'The path or table does not exist in the source' },
  SOURCE_READ_FAILED: { status: 502, title: 'Reading the source failed' },
  HOST_KEY_MISMATCH: { status: 502, title: 'The SFTP host key does not match the configured fingerprint' },

  // Server
  INTERNAL: { status: 500, title: 'An internal error occurred' },
  NOT_READY: { status: 503, title: 'The service is not ready' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface FieldError {
  path: string;
  message: string;
}

/**
 * An error with a catalogue code. `detail` names the field, the value and the fix; `errors` lists
 * the fields involved when there are several.
 */
export class TributaryError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldError[];
  /** Extra members for the problem document, such as the conflicting etag. */
  readonly extensions: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    detail: string,
    options: { errors?: FieldError[]; extensions?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'TributaryError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.errors = options.errors ?? [];
    this.extensions = options.extensions ?? {};
  }
}

export function isTributaryError(value: unknown): value is TributaryError {
  return value instanceof TributaryError;
}

export function notFound(kind: string, id: string): TributaryError {
  return new TributaryError('NOT_FOUND', `No ${kind} with id '${id}' exists in this organization and sandbox.`);
}
