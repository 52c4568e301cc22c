import { ConnectorError } from './types.ts';

// Which source errors are worth a retry. The engine retries transient errors with backoff and fails
// the run at once on permanent ones, so this table decides whether a run waits or stops.

/** Network errors from Node sockets: the server may come back. */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/** PostgreSQL SQLSTATE codes that a later attempt can get past. */
const TRANSIENT_POSTGRES_CODES: Record<string, string> = {
  '40001': 'serialization failure',
  '40P01': 'deadlock detected',
  '55P03': 'lock not available',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'too many connections',
  '57014': 'statement timeout',
};

/** MySQL and MariaDB error numbers that a later attempt can get past. */
const TRANSIENT_MYSQL_ERRNOS: Record<number, string> = {
  1205: 'lock wait timeout',
  1213: 'deadlock',
  1040: 'too many connections',
  2013: 'lost connection during query',
};

const AUTH_POSTGRES_CODES = new Set(['28P01', '28000']);
const AUTH_MYSQL_ERRNOS = new Set([1045, 1044, 1698]);

interface SourceErrorFields {
  code?: string;
  errno?: number;
  level?: string;
}

/**
 * Wraps an error from a source driver in a `ConnectorError` with the right code and retry class.
 * `target` names what was being reached (`postgres 127.0.0.1:5432/crm`) for the message.
 */
export function toConnectorError(error: unknown, target: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const fields = (error ?? {}) as SourceErrorFields;
  const reason = error instanceof Error ? error.message : String(error);
  const code = fields.code ?? '';

  if (TRANSIENT_SOCKET_CODES.has(code) || fields.level === 'client-socket' || fields.level === 'client-timeout') {
    return new ConnectorError(
      'SOURCE_UNREACHABLE',
      `Cannot reach ${target} (${code || reason}); check that the server runs and that host and port are right. The run will be retried.`,
      true,
      { cause: error },
    );
  }
  const postgresReason = TRANSIENT_POSTGRES_CODES[code];
  const mysqlReason = fields.errno === undefined ? undefined : TRANSIENT_MYSQL_ERRNOS[fields.errno];
  if (postgresReason || mysqlReason) {
    return new ConnectorError(
      'SOURCE_READ_FAILED',
      `Reading ${target} failed temporarily (${postgresReason ?? mysqlReason}: ${reason}); the run will be retried.`,
      true,
      { cause: error },
    );
  }
  if (AUTH_POSTGRES_CODES.has(code) || (fields.errno !== undefined && AUTH_MYSQL_ERRNOS.has(fields.errno))) {
    return authFailed(target, reason, error);
  }
  if (code === 'ENOENT' || code === '3D000' || fields.errno === 1049) {
    return new ConnectorError(
      'SOURCE_NOT_FOUND',
      `${target} does not exist (${reason}); check the path or database name.`,
      false,
      { cause: error },
    );
  }
  return new ConnectorError('SOURCE_READ_FAILED', `Reading ${target} failed: ${reason}`, false, { cause: error });
}

export function authFailed(target: string, reason: string, cause?: unknown): ConnectorError {
  return new ConnectorError(
    'SOURCE_AUTH_FAILED',
    `${target} rejected the credentials (${reason}); check the user and the password or key of the account.`,
    false,
    { cause },
  );
}

export function invalidConnectionParams(message: string): ConnectorError {
  return new ConnectorError('INVALID_CONNECTION_PARAMS', message, false);
}

export function invalidSourceParams(message: string): ConnectorError {
  return new ConnectorError('INVALID_SOURCE_PARAMS', message, false);
}

/** Reads a required non-empty string parameter of an account. */
export function requiredString(params: Record<string, unknown>, name: string, example: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidConnectionParams(
      `auth.params.${name} must be a non-empty string such as ${JSON.stringify(example)}; got ${JSON.stringify(value ?? null)}.`,
    );
  }
  return value;
}

export function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw invalidConnectionParams(`auth.params.${name} must be a string; got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Reads a TCP port, accepting a number or a numeric string, with a default. */
export function portParam(params: Record<string, unknown>, fallback: number): number {
  const value = params.port ?? fallback;
  const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalidConnectionParams(
      `auth.params.port must be an integer from 1 to 65535 such as ${fallback}; got ${JSON.stringify(value)}.`,
    );
  }
  return port;
}
