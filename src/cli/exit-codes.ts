// The exit codes of the client commands, documented in the README and the user guide. Scripts test
// them, so a value never changes meaning.

export const exitCodes = {
  ok: 0,
  /** The API responded with an error (problem+json), other than authentication. */
  apiError: 1,
  /** The command line is wrong: unknown command or option, missing or invalid value. */
  usage: 2,
  /** `runs watch` saw the run end `failed` or `cancelled`. */
  runFailed: 3,
  /** The server could not be reached. */
  connectionFailed: 4,
  /** No token, or the server rejected it (401 or 403). */
  authenticationFailed: 5,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
