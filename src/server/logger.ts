import pino, { type DestinationStream, type Logger } from 'pino';

// Paths that may carry a secret in a log record; pino replaces their values before writing.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'password',
  '*.password',
  '*.*.password',
  'privateKey',
  '*.privateKey',
  '*.*.privateKey',
  'passphrase',
  '*.passphrase',
  'secret',
  '*.secret',
  'token',
  '*.token',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tributary' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
