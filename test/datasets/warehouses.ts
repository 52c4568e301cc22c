import path from 'node:path';
import { openWarehouse } from '../../src/datasets/warehouse.ts';
import type { DatasetDefinition, Warehouse } from '../../src/datasets/types.ts';
import { ManualClock } from '../../src/domain/time.ts';
import {
  dropPostgresSchema,
  makeTempDir,
  postgresUrl,
  skipUnlessPostgres,
  uniqueSchemaName,
} from '../support/backends.ts';

// The two warehouses every dataset suite runs on: a SQLite file in a temp folder, and PostgreSQL in
// a fresh schema per test.

export interface WarehouseBackend {
  name: 'sqlite' | 'postgres';
  skip(): Promise<string | false>;
  /** Opens a new, empty warehouse; `close` also removes its PostgreSQL schema. */
  open(clock?: ManualClock): Promise<Warehouse>;
}

export const warehouseBackends: WarehouseBackend[] = [
  {
    name: 'sqlite',
    skip: async () => false,
    open: (clock = new ManualClock(Date.UTC(2026, 11, 4, 9))) =>
      openWarehouse({ url: `sqlite:${path.join(makeTempDir(), 'warehouse.db')}`, clock }),
  },
  {
    name: 'postgres',
    skip: skipUnlessPostgres,
    async open(clock = new ManualClock(Date.UTC(2026, 11, 4, 9))) {
      const schema = uniqueSchemaName('wh');
      const warehouse = await openWarehouse({ url: postgresUrl, schema, clock });
      const close = warehouse.close.bind(warehouse);
      warehouse.close = async () => {
        await close();
        await dropPostgresSchema(schema);
      };
      return warehouse;
    },
  },
];

let datasetCounter = 0;

/** Builds a dataset definition with a fresh id. */
export function datasetOf(schema: DatasetDefinition['schema'], primaryKey?: string[]): DatasetDefinition {
  datasetCounter += 1;
  const id = `0000${datasetCounter}-aaaa-bbbb-cccc-${Date.now().toString(16)}`;
  return primaryKey ? { id, schema, primaryKey } : { id, schema };
}

/** Collects every row that `streamRows` yields. */
export async function collectRows(pages: AsyncIterable<Record<string, unknown>[]>): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const page of pages) rows.push(...page);
  return rows;
}
