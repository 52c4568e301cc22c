import { systemClock, type Clock } from '../domain/time.ts';
import { openPostgresWarehouse } from './postgres-warehouse.ts';
import { openSqliteWarehouse } from './sqlite-warehouse.ts';
import type { Warehouse } from './types.ts';

/** The warehouse when `WAREHOUSE_URL` is not set: a SQLite file apart from the metadata database. */
export const DEFAULT_WAREHOUSE_URL = 'sqlite:./data/warehouse.db';

export interface WarehouseOptions {
  /** `postgres://…`, `sqlite:<file>` or a bare SQLite file path. */
  url: string;
  /** PostgreSQL schema for the warehouse tables instead of `public`; created when missing. */
  schema?: string;
  /** Source of `createdAt` and `committedAt` of batches. */
  clock?: Clock;
  /** Maximum PostgreSQL connections in the warehouse pool. */
  poolSize?: number;
}

/** Opens the warehouse named by `url` and creates its batch table when missing. */
export async function openWarehouse(options: WarehouseOptions): Promise<Warehouse> {
  const clock = options.clock ?? systemClock;
  if (/^postgres(ql)?:\/\//i.test(options.url)) {
    return openPostgresWarehouse({ url: options.url, schema: options.schema, clock, poolSize: options.poolSize });
  }
  return openSqliteWarehouse(options.url.replace(/^sqlite:(\/\/)?/i, ''), clock);
}
