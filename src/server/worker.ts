import type { Config } from '../config/config.ts';
import { startEngine } from '../engine/start.ts';
import { webhookRunEvents } from '../webhooks/run-events.ts';
import { createLogger } from './logger.ts';
import { closeServices, openServices } from './services.ts';

/** `tributary worker`: workers only, sharing the PostgreSQL metadata database with other processes. */
export async function runWorker(config: Config): Promise<{ stop(): Promise<void> }> {
  const logger = createLogger(config.logLevel);
  const services = await openServices(config, logger);
  const events = webhookRunEvents(services.store, services.clock);
  const engine = await startEngine({
    ...services,
    events,
    scheduler: false,
    workers: Math.max(1, config.workerConcurrency),
  });
  logger.info({ workers: config.workerConcurrency }, 'worker started');
  return {
    stop: async () => {
      await engine.stop();
      await closeServices(services);
      logger.info('worker stopped');
    },
  };
}
