import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, MembershipsTable, SandboxesTable } from './schema.ts';

export type Role = MembershipsTable['role'];

/** The organization and sandbox of a request. Every sandbox-scoped query is filtered by both. */
export interface Scope {
  orgId: string;
  sandbox: string;
}

export interface Principal {
  userId: string;
  tokenId: string;
  memberships: { orgId: string; role: Role }[];
}

export const DEFAULT_ORGANIZATION_ID = 'default';

export async function findPrincipalByTokenHash(db: Kysely<Database>, tokenHash: string): Promise<Principal | null> {
  const token = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!token) return null;

  const memberships = await db
    .selectFrom('memberships')
    .select(['org_id', 'role'])
    .where('user_id', '=', token.user_id)
    .orderBy('org_id')
    .execute();
  return {
    userId: token.user_id,
    tokenId: token.id,
    memberships: memberships.map((m) => ({ orgId: m.org_id, role: m.role })),
  };
}

export async function listSandboxes(db: Kysely<Database>, orgId: string): Promise<SandboxesTable[]> {
  return db.selectFrom('sandboxes').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

export async function findSandbox(
  db: Kysely<Database>,
  orgId: string,
  name: string,
): Promise<SandboxesTable | undefined> {
  return db.selectFrom('sandboxes').selectAll().where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
}

export async function findDefaultSandbox(db: Kysely<Database>, orgId: string): Promise<SandboxesTable | undefined> {
  return db
    .selectFrom('sandboxes')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('is_default', '=', 1)
    .executeTakeFirst();
}

/** Creates an organization with its sandboxes `prod` (the default) and `dev`, unless it exists. */
export async function ensureOrganization(
  db: Kysely<Database>,
  org: { id: string; name: string },
  nowMs: number,
): Promise<void> {
  await db
    .insertInto('organizations')
    .values({ id: org.id, name: org.name, created_at: nowMs })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();

  const sandboxes = [
    { name: 'prod', title: 'Production', type: 'production' as const, is_default: 1 },
    { name: 'dev', title: 'Development', type: 'development' as const, is_default: 0 },
  ];
  for (const sandbox of sandboxes) {
    await db
      .insertInto('sandboxes')
      .values({ id: crypto.randomUUID(), org_id: org.id, created_at: nowMs, ...sandbox })
      .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
      .execute();
  }
}

export async function createSandbox(
  db: Kysely<Database>,
  orgId: string,
  sandbox: { name: string; title: string; type: 'production' | 'development' },
  nowMs: number,
): Promise<SandboxesTable> {
  const row: SandboxesTable = { id: crypto.randomUUID(), org_id: orgId, is_default: 0, created_at: nowMs, ...sandbox };
  await db.insertInto('sandboxes').values(row).execute();
  return row;
}

/** Creates a user, or finds it by email, and gives it a role in an organization. */
export async function ensureUser(
  db: Kysely<Database>,
  user: { email: string; name: string; orgId: string; role: Role },
  nowMs: number,
): Promise<string> {
  await db
    .insertInto('users')
    .values({ id: crypto.randomUUID(), email: user.email, name: user.name, created_at: nowMs })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  const { id } = await db.selectFrom('users').select('id').where('email', '=', user.email).executeTakeFirstOrThrow();
  await db
    .insertInto('memberships')
    .values({ user_id: id, org_id: user.orgId, role: user.role })
    .onConflict((oc) => oc.columns(['user_id', 'org_id']).doUpdateSet({ role: user.role }))
    .execute();
  return id;
}

/** Stores the hash of a token for a user, unless that token is already stored. */
export async function addToken(
  db: Kysely<Database>,
  token: { userId: string; name: string; tokenHash: string },
  nowMs: number,
): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      id: crypto.randomUUID(),
      user_id: token.userId,
      name: token.name,
      token_hash: token.tokenHash,
      created_at: nowMs,
      last_used_at: null,
      revoked_at: null,
    })
    .onConflict((oc) => oc.column('token_hash').doNothing())
    .execute();
}

export async function countTokens(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
