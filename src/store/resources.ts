import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { Scope } from './tenancy.ts';

// Reads and writes of the sandbox-scoped resources (connections, source connections, datasets,
// flows). Every statement filters by organization and sandbox, so another tenant's row is never
// found, and a PATCH or DELETE of it changes nothing.

export type ResourceTable = 'connections' | 'source_connections' | 'datasets' | 'flows';

export type ResourceRow<T extends ResourceTable> = Selectable<Database[T]>;

// Kysely cannot type one query over a union of tables. The four tables share the scoped columns, so
// this module queries them untyped and returns the typed row.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type UntypedDb = Kysely<any>;

/** One equality or inequality filter on a column, from `?property=name==value`. */
export interface ColumnFilter {
  column: string;
  operator: '==' | '!=';
  values: string[];
}

export interface ListQuery {
  limit: number;
  /** Column to order by, and direction; `id` breaks ties. */
  orderColumn: 'created_at' | 'updated_at' | 'name';
  descending: boolean;
  /** Keyset position after which the page starts. */
  after?: { value: string | number; id: string };
  filters: ColumnFilter[];
}

export async function getResource<T extends ResourceTable>(
  db: Kysely<Database>,
  table: T,
  scope: Scope,
  id: string,
): Promise<ResourceRow<T> | undefined> {
  const row = await (db as UntypedDb)
    .selectFrom(table)
    .selectAll()
    .where('org_id', '=', scope.orgId)
    .where('sandbox', '=', scope.sandbox)
    .where('id', '=', id)
    .executeTakeFirst();
  return row as ResourceRow<T> | undefined;
}

export async function listResources<T extends ResourceTable>(
  db: Kysely<Database>,
  table: T,
  scope: Scope,
  query: ListQuery,
): Promise<ResourceRow<T>[]> {
  let select = (db as UntypedDb)
    .selectFrom(table)
    .selectAll()
    .where('org_id', '=', scope.orgId)
    .where('sandbox', '=', scope.sandbox);

  for (const filter of query.filters) {
    select =
      filter.operator === '=='
        ? select.where(filter.column, 'in', filter.values)
        : select.where(filter.column, 'not in', filter.values);
  }

  if (query.after) {
    const { value, id } = query.after;
    const comparison = query.descending ? '<' : '>';
    select = select.where((eb) =>
      eb.or([
        eb(query.orderColumn, comparison, value),
        eb.and([eb(query.orderColumn, '=', value), eb('id', comparison, id)]),
      ]),
    );
  }

  const direction = query.descending ? 'desc' : 'asc';
  const rows = await select
    .orderBy(query.orderColumn, direction)
    .orderBy('id', direction)
    .limit(query.limit + 1)
    .execute();
  return rows as unknown as ResourceRow<T>[];
}

export async function countResources(
  db: Kysely<Database>,
  table: ResourceTable,
  scope: Scope,
  filters: ColumnFilter[],
): Promise<number> {
  let select = (db as UntypedDb)
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', scope.orgId)
    .where('sandbox', '=', scope.sandbox);
  for (const filter of filters) {
    select =
      filter.operator === '=='
        ? select.where(filter.column, 'in', filter.values)
        : select.where(filter.column, 'not in', filter.values);
  }
  const row = await select.executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function insertResource<T extends ResourceTable>(
  db: Kysely<Database>,
  table: T,
  row: Database[T],
): Promise<void> {
  await (db as UntypedDb)
    .insertInto(table)
    .values(row as never)
    .execute();
}

/**
 * Updates a row only if its etag is still `expectedEtag`. Returns false when the row changed in
 * between (or is not in this scope), so that the caller returns 412.
 */
export async function updateResource<T extends ResourceTable>(
  db: Kysely<Database>,
  table: T,
  scope: Scope,
  id: string,
  expectedEtag: string,
  changes: Partial<Database[T]>,
): Promise<boolean> {
  const result = await (db as UntypedDb)
    .updateTable(table as string)
    .set(changes as unknown as Record<string, never>)
    .where('org_id', '=', scope.orgId)
    .where('sandbox', '=', scope.sandbox)
    .where('id', '=', id)
    .where('etag', '=', expectedEtag)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteResource(
  db: Kysely<Database>,
  table: ResourceTable,
  scope: Scope,
  id: string,
): Promise<boolean> {
  const result = await (db as UntypedDb)
    .deleteFrom(table)
    .where('org_id', '=', scope.orgId)
    .where('sandbox', '=', scope.sandbox)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
