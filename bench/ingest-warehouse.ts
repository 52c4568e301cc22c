import path from 'node:path';
import pg from 'pg';
import type { DatasetDefinition, DatasetRow, Warehouse } from '../src/datasets/types.ts';
import { openWarehouse } from '../src/datasets/warehouse.ts';
import {
  argument,
  integerArgument,
  makeTempDir,
  median,
  POSTGRES_URL,
  printHeader,
  removeTempDir,
  round,
  timed,
  uniqueSchema,
} from './support.ts';

// The warehouse alone: staging writes plus the commit, for append and primary-key upsert datasets,
// on SQLite and PostgreSQL. Rows are generated in memory, so the figures leave out reading and
// mapping. Each run ingests into a fresh dataset; the upsert run then commits the same rows again.
//
//   node --import tsx bench/ingest-warehouse.ts [--rows 1000000] [--runs 3] [--targets sqlite,postgres]

const rows = integerArgument('rows', 1_000_000);
const runs = integerArgument('runs', 3);
const targets = argument('targets', 'sqlite,postgres').split(',');
const CHUNK_ROWS = 10_000;

const schema: DatasetDefinition['schema'] = {
  fields: [
    { name: 'id', type: 'integer', required: true },
    { name: 'name', type: 'string' },
    { name: 'amount', type: 'number' },
    { name: 'paid', type: 'boolean' },
    { name: 'orderedAt', type: 'datetime' },
  ],
};

function chunkOf(offset: number, count: number): DatasetRow[] {
  return Array.from({ length: count }, (_, index) => {
    const id = offset + index;
    return {
      id,
      name: `customer ${id % 5000}`,
      amount: (id % 10_000) / 100,
      paid: id % 3 === 0,
      orderedAt: 1_767_225_600_000 + id * 1000,
    };
  });
}

/** Writes every row into one batch and commits it; returns the seconds spent in write and commit. */
async function ingest(warehouse: Warehouse, dataset: DatasetDefinition, runId: string, supersedes: string[]) {
  const writer = await warehouse.openBatch(dataset, runId);
  let writeSeconds = 0;
  for (let offset = 0; offset < rows; offset += CHUNK_ROWS) {
    const chunk = chunkOf(offset, Math.min(CHUNK_ROWS, rows - offset));
    writeSeconds += (await timed(() => writer.write(chunk))).seconds;
  }
  const commit = await timed(() => writer.commit({ supersedesBatchIds: supersedes }));
  if (commit.value.recordCount !== rows)
    throw new Error(`Committed ${commit.value.recordCount} rows instead of ${rows}.`);
  return { batchId: writer.batchId, writeSeconds, commitSeconds: commit.seconds };
}

async function openTarget(target: string): Promise<{ warehouse: Warehouse; cleanup: () => Promise<void> }> {
  if (target === 'sqlite') {
    const dir = makeTempDir('warehouse');
    const warehouse = await openWarehouse({ url: `sqlite:${path.join(dir, 'warehouse.db')}` });
    return { warehouse, cleanup: async () => removeTempDir(dir) };
  }
  const schemaName = uniqueSchema('warehouse');
  const warehouse = await openWarehouse({ url: POSTGRES_URL, schema: schemaName });
  return {
    warehouse,
    cleanup: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schemaName}" cascade`);
      await client.end();
    },
  };
}

printHeader(`warehouse ingestion of ${rows} generated rows, ${runs} runs each`);
console.log('target\tmode\twrite s\tcommit s\trows/s');

for (const target of targets) {
  const { warehouse, cleanup } = await openTarget(target);
  try {
    for (const mode of ['append', 'upsert', 'upsert again'] as const) {
      const totals: number[] = [];
      const writes: number[] = [];
      const commits: number[] = [];
      for (let runIndex = 0; runIndex < runs; runIndex += 1) {
        const dataset: DatasetDefinition = {
          id: `bench-${mode.replace(' ', '-')}-${runIndex}-${Date.now().toString(36)}`,
          schema,
          ...(mode === 'append' ? {} : { primaryKey: ['id'] }),
        };
        let supersedes: string[] = [];
        if (mode === 'upsert again') supersedes = [(await ingest(warehouse, dataset, `first-${runIndex}`, [])).batchId];

        const result = await ingest(warehouse, dataset, `run-${runIndex}`, supersedes);
        writes.push(result.writeSeconds);
        commits.push(result.commitSeconds);
        totals.push(result.writeSeconds + result.commitSeconds);
        await warehouse.dropDataset(dataset.id);
      }
      const seconds = median(totals);
      console.log(
        `${target}\t${mode}\t${round(median(writes))}\t${round(median(commits))}\t${Math.round(rows / seconds)}`,
      );
    }
  } finally {
    await warehouse.close();
    await cleanup();
  }
}
