import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TributaryError } from '../domain/errors.ts';
import type { ColumnFilter, ListQuery } from '../store/resources.ts';

// Helpers shared by the routes: list parameters, etags, JSON Merge Patch and created responses.

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export interface ListParameters {
  limit?: number;
  continuationToken?: string;
  orderby?: string;
  property?: string | string[];
  count?: boolean | string;
}

export function newEtag(): string {
  return crypto.randomBytes(8).toString('hex');
}

/** Reads `If-Match`; 428 when it is missing, 412 when it is not the current etag. */
export function requireIfMatch(request: FastifyRequest, currentEtag: string): string {
  const header = request.headers['if-match'];
  if (header === undefined || header === '') {
    throw new TributaryError(
      'PRECONDITION_REQUIRED',
      `The If-Match header is required; send If-Match: "${currentEtag}" with the etag from your last read of this resource.`,
    );
  }
  const etags = String(header)
    .split(',')
    .map((value) => value.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
  if (!etags.includes(currentEtag) && !etags.includes('*')) {
    throw new TributaryError(
      'PRECONDITION_FAILED',
      `If-Match '${String(header)}' is not the current etag; read the resource again and retry with its etag.`,
      { extensions: { currentEtag } },
    );
  }
  return currentEtag;
}

/** Applies a JSON Merge Patch (RFC 7396): null removes a member, objects merge, the rest replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

export function sendCreated(reply: FastifyReply, location: string, body: object): FastifyReply {
  if ('etag' in body && typeof body.etag === 'string') reply.header('etag', `"${body.etag}"`);
  return reply.code(201).header('location', location).send(body);
}

export function sendWithEtag<T extends { etag: string }>(reply: FastifyReply, body: T): FastifyReply {
  return reply.header('etag', `"${body.etag}"`).send(body);
}

const ORDER_COLUMNS: Record<string, ListQuery['orderColumn']> = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  name: 'name',
};

/**
 * Parses `limit`, `orderby`, `continuationToken` and `property` filters. `filterColumns` maps the
 * API property names that may be filtered to their columns.
 */
export function parseListQuery(params: ListParameters, filterColumns: Record<string, string>): ListQuery {
  const limit = params.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new TributaryError(
      'INVALID_LIMIT',
      `limit ${String(params.limit)} is out of range; use a whole number from 1 to ${MAX_LIMIT}.`,
      {
        errors: [{ path: 'querystring.limit', message: 'out of range' }],
      },
    );
  }

  const orderby = params.orderby ?? '-createdAt';
  const descending = orderby.startsWith('-');
  const orderColumn = ORDER_COLUMNS[orderby.replace(/^[-+]/, '')];
  if (!orderColumn) {
    throw new TributaryError(
      'INVALID_ORDER',
      `orderby '${orderby}' is not supported; use createdAt, updatedAt or name, with a leading '-' for descending order.`,
      { errors: [{ path: 'querystring.orderby', message: 'unsupported order' }] },
    );
  }

  const query: ListQuery = { limit, orderColumn, descending, filters: parseFilters(params.property, filterColumns) };
  if (params.continuationToken) query.after = decodeContinuationToken(params.continuationToken, orderby);
  return query;
}

export function parseFilters(
  property: string | string[] | undefined,
  filterColumns: Record<string, string>,
): ColumnFilter[] {
  const expressions = property === undefined ? [] : Array.isArray(property) ? property : [property];
  return expressions.map((expression) => {
    const match = /^([A-Za-z][A-Za-z0-9]*)(==|!=)(.+)$/.exec(expression);
    const column = match ? filterColumns[match[1]!] : undefined;
    if (!match || !column) {
      const allowed = Object.keys(filterColumns).join(', ') || 'none';
      throw new TributaryError(
        'INVALID_FILTER',
        `property '${expression}' is not a valid filter; use name==value or name!=value (values separated by commas) with one of: ${allowed}.`,
        { errors: [{ path: 'querystring.property', message: 'invalid filter' }] },
      );
    }
    return { column, operator: match[2] as '==' | '!=', values: match[3]!.split(',') };
  });
}

interface TokenContent {
  o: string;
  v: string | number;
  id: string;
}

export function encodeContinuationToken(orderby: string, value: string | number, id: string): string {
  const content: TokenContent = { o: orderby, v: value, id };
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

function decodeContinuationToken(token: string, orderby: string): { value: string | number; id: string } {
  try {
    const content = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as TokenContent;
    if (content.o === orderby && typeof content.id === 'string' && ['string', 'number'].includes(typeof content.v)) {
      return { value: content.v, id: content.id };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new TributaryError(
    'INVALID_CONTINUATION_TOKEN',
    'continuationToken is invalid or belongs to another order; use the next link of the previous page unchanged.',
    { errors: [{ path: 'querystring.continuationToken', message: 'invalid token' }] },
  );
}

/**
 * Builds the list response: at most `limit` items, and a `next` link when the store returned the
 * extra row that shows more exist.
 */
export function listResponse<Row extends { id: string }, Item>(
  request: FastifyRequest,
  rows: Row[],
  query: ListQuery,
  orderby: string,
  toItem: (row: Row) => Item,
): { items: Item[]; _links: { next?: { href: string } } } {
  const page = rows.slice(0, query.limit);
  const links: { next?: { href: string } } = {};
  if (rows.length > query.limit) {
    const last = page[page.length - 1] as unknown as Record<string, string | number> & { id: string };
    const token = encodeContinuationToken(orderby, last[query.orderColumn]!, last.id);
    const url = new URL(request.url, 'http://localhost');
    url.searchParams.set('continuationToken', token);
    links.next = { href: `${url.pathname}${url.search}` };
  }
  return { items: page.map(toItem), _links: links };
}

export function wantsCount(params: ListParameters): boolean {
  return params.count === true || params.count === 'true';
}
