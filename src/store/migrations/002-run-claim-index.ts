import type { Kysely } from 'kysely';

// The claim checks, for each candidate run, that its flow has no run in progress and no earlier
// window waiting. This index answers both checks with a seek, so a claim stays fast among millions
// of finished runs.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('runs_flow_status_window')
    .on('runs')
    .columns(['flow_id', 'status', 'window_start', 'due_at', 'id'])
    .execute();
}
