import fs from 'node:fs';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ApiServices } from '../api/context.ts';
import type { Config } from '../config/config.ts';
import { loadSecretBox } from '../config/secrets.ts';
import { openWarehouse } from '../datasets/warehouse.ts';
import { systemClock, type Clock } from '../domain/time.ts';
import { maskUrl, openStore } from '../store/store.ts';

/** Opens the databases and builds what the API and the engine share. */
export async function openServices(config: Config, logger: Logger, clock: Clock = systemClock): Promise<ApiServices> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  for (const root of config.fileRoots) fs.mkdirSync(root, { recursive: true });

  const secretBox = loadSecretBox(config.secretKey, config.dataDir);
  const store = await openStore({ url: config.databaseUrl });
  let warehouse;
  try {
    warehouse = await openWarehouse({ url: config.warehouseUrl, clock });
  } catch (error) {
    await store.close();
    throw error;
  }

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  logger.info({ metadata: store.description, warehouse: maskUrl(config.warehouseUrl) }, 'databases open');
  return { config, store, warehouse, secretBox, clock, logger, metrics };
}

export async function closeServices(services: ApiServices): Promise<void> {
  await services.warehouse.close();
  await services.store.close();
}
