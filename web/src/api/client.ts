// The one way the UI talks to the server: the public API under /api/v1, with the bearer token and
// the sandbox header. Errors come back as problem+json and are thrown as ApiError with their code.

import type { Page } from './types.ts';

const tokenKey = 'tributary.token';
const sandboxKey = 'tributary.sandbox';
export const apiBase = '/api/v1';

export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly fieldErrors: FieldProblem[] = [],
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export const session = {
  token: (): string | null => localStorage.getItem(tokenKey),
  setToken(token: string | null) {
    if (token) localStorage.setItem(tokenKey, token);
    else localStorage.removeItem(tokenKey);
  },
  sandbox: (): string | null => localStorage.getItem(sandboxKey),
  setSandbox(name: string | null) {
    if (name) localStorage.setItem(sandboxKey, name);
    else localStorage.removeItem(sandboxKey);
  },
};

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | string[] | undefined>;
  headers?: Record<string, string>;
  /** Sends this token instead of the stored one, to check a token before storing it. */
  token?: string;
}

export function apiUrl(path: string, query: RequestOptions['query'] = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const text = search.toString();
  return `${apiBase}${path}${text ? `?${text}` : ''}`;
}

function authHeaders(token?: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const bearer = token ?? session.token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const sandbox = session.sandbox();
  if (sandbox) headers['x-sandbox-name'] = sandbox;
  return headers;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers = { ...authHeaders(options.token), ...options.headers };
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';

  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', (error as Error).message);
  }

  if (!response.ok) throw await problemOf(response);
  return response;
}

async function problemOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const problem = JSON.parse(text) as { code?: string; detail?: string; title?: string; errors?: FieldProblem[] };
    return new ApiError(
      response.status,
      problem.code ?? 'UNKNOWN',
      problem.detail ?? problem.title ?? text,
      problem.errors ?? [],
    );
  } catch {
    return new ApiError(response.status, 'UNKNOWN', text.slice(0, 500));
  }
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Returns the continuation token of a page's next link, or null on the last page. */
export function nextToken(page: Page<unknown>): string | null {
  const href = page._links?.next?.href;
  if (!href) return null;
  return new URL(href, window.location.origin).searchParams.get('continuationToken');
}

/** Downloads a file from the API with the bearer header, which a plain link cannot send. */
export async function download(path: string, query: RequestOptions['query'], fileName: string): Promise<void> {
  const response = await send(path, { query });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
