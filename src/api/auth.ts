import type { FastifyRequest } from 'fastify';
import { hashToken } from '../config/secrets.ts';
import { TributaryError } from '../domain/errors.ts';
import { findDefaultSandbox, findPrincipalByTokenHash, findSandbox } from '../store/tenancy.ts';
import type { ApiServices, RequestActor } from './context.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the bearer token to an actor: the organization is the token's (or `x-org-id` when the
 * user belongs to several), the sandbox is `x-sandbox-name` or the organization's default.
 */
export async function authenticate(services: ApiServices, request: FastifyRequest): Promise<RequestActor> {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    throw new TributaryError('UNAUTHENTICATED', 'Send an API token as Authorization: Bearer <token>.');
  }

  const principal = await findPrincipalByTokenHash(services.store.db, hashToken(match[1]!));
  if (!principal || principal.memberships.length === 0) {
    throw new TributaryError('UNAUTHENTICATED', 'The bearer token is unknown or revoked; use a valid API token.');
  }

  const requestedOrg = headerValue(request, 'x-org-id');
  let membership = principal.memberships[0]!;
  if (requestedOrg) {
    const found = principal.memberships.find((m) => m.orgId === requestedOrg);
    if (!found) throw new TributaryError('NOT_FOUND', `No organization '${requestedOrg}' is available to this token.`);
    membership = found;
  } else if (principal.memberships.length > 1) {
    const ids = principal.memberships.map((m) => m.orgId).join(', ');
    throw new TributaryError(
      'ORGANIZATION_REQUIRED',
      `This token belongs to several organizations; send x-org-id with one of: ${ids}.`,
    );
  }

  const requestedSandbox = headerValue(request, 'x-sandbox-name');
  const sandbox = requestedSandbox
    ? await findSandbox(services.store.db, membership.orgId, requestedSandbox)
    : await findDefaultSandbox(services.store.db, membership.orgId);
  if (!sandbox) {
    throw new TributaryError(
      'SANDBOX_NOT_FOUND',
      `Sandbox '${requestedSandbox ?? '(default)'}' does not exist in this organization; list sandboxes with GET /api/v1/sandboxes.`,
    );
  }

  const actor: RequestActor = {
    orgId: membership.orgId,
    sandbox: sandbox.name,
    userId: principal.userId,
    role: membership.role,
  };
  const readOnlyRoute = request.routeOptions.config?.readOnly === true;
  if (actor.role === 'viewer' && WRITE_METHODS.has(request.method) && !readOnlyRoute) {
    throw new TributaryError(
      'FORBIDDEN',
      'This token has the viewer role, which cannot change resources; use an editor or admin token.',
    );
  }
  return actor;
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text && text.trim() !== '' ? text.trim() : undefined;
}
