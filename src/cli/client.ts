import fs from 'node:fs';
import path from 'node:path';
import { exitCodes, type ExitCode } from './exit-codes.ts';
import type { Translator } from './i18n/index.ts';

// The HTTP client of the command-line tool. It speaks only the public API, like any script would:
// bearer token, sandbox header, problem+json errors carrying a stable code.

export const defaultServerUrl = 'http://127.0.0.1:8080';
export const adminTokenFileName = 'admin-token';

/** An error the CLI reports with a message and an exit code, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

/** The API responded with an error status. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
  }

  get exitCode(): ExitCode {
    return this.problem.status === 401 || this.problem.status === 403
      ? exitCodes.authenticationFailed
      : exitCodes.apiError;
  }
}

export interface ConnectionFlags {
  server?: string;
  token?: string;
  sandbox?: string;
}

export interface ClientSettings {
  server: URL;
  token: string | undefined;
  sandbox: string | undefined;
}

/**
 * Server, token and sandbox from the flags, then the environment. Without a token, a client talking
 * to a server on this machine reads the bootstrap token that the server wrote into its data folder.
 */
export function resolveSettings(flags: ConnectionFlags, env: NodeJS.ProcessEnv, cwd: string, t: Translator['t']) {
  const rawServer = flags.server || env.TRIBUTARY_URL || defaultServerUrl;
  let server: URL;
  try {
    server = new URL(rawServer);
  } catch {
    throw new CliError(t('error.invalidUrl', { value: rawServer }), exitCodes.usage);
  }
  if (!/^https?:$/.test(server.protocol))
    throw new CliError(t('error.invalidUrl', { value: rawServer }), exitCodes.usage);

  const token = flags.token || env.TRIBUTARY_TOKEN || (isLoopback(server) ? readTokenFile(env, cwd) : undefined);
  const sandbox = flags.sandbox || env.TRIBUTARY_SANDBOX || undefined;
  return { server, token, sandbox } satisfies ClientSettings;
}

export function adminTokenPath(env: NodeJS.ProcessEnv, cwd: string): string {
  return path.resolve(cwd, env.TRIBUTARY_DATA_DIR || './data', adminTokenFileName);
}

function readTokenFile(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  try {
    return fs.readFileSync(adminTokenPath(env, cwd), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname) || url.hostname.startsWith('127.');
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

export class ApiClient {
  constructor(
    private readonly settings: ClientSettings,
    private readonly t: Translator['t'],
  ) {}

  /** Sends a request and returns the parsed JSON body, or throws ApiError or CliError. */
  async json<T>(method: string, pathname: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, pathname, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** Sends a request and returns the response, whose body the caller streams. */
  async send(method: string, pathname: string, options: RequestOptions = {}): Promise<Response> {
    if (!this.settings.token) throw new CliError(this.t('error.noToken'), exitCodes.authenticationFailed);

    const url = this.url(pathname, options.query);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.settings.token}`,
      accept: 'application/json, application/problem+json, */*',
      ...options.headers,
    };
    if (this.settings.sandbox) headers['x-sandbox-name'] = this.settings.sandbox;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch (error) {
      throw new CliError(
        this.t('error.connection', { url: this.settings.server.origin, reason: connectionReason(error) }),
        exitCodes.connectionFailed,
      );
    }

    if (response.ok) return response;
    throw new ApiError(await readProblem(response));
  }

  /** Builds the absolute URL of an API path or of a `_links` href given by the server. */
  url(pathname: string, query: RequestOptions['query'] = {}): URL {
    const url = new URL(pathname, this.settings.server);
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
    }
    return url;
  }
}

async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === 'object') return { ...body, status: response.status };
  } catch {
    // Not JSON: a proxy or an older server responded, so only the status is reported.
  }
  return { status: response.status };
}

function connectionReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
