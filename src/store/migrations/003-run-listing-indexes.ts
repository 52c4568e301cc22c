import type { Kysely } from 'kysely';

// Listing one flow's runs newest first: without flow_id after the scope, SQLite walked the scope's
// runs in created_at order and skipped the other flows' rows one by one, so a page cost more as the
// store grew. The second index lets the claim take the oldest due run in index order.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('runs_scope_flow_created')
    .on('runs')
    .columns(['org_id', 'sandbox', 'flow_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('runs_status_due_id').on('runs').columns(['status', 'due_at', 'id']).execute();
}
