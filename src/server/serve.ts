import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.ts';
import { registerRunRoutes } from '../api/routes/runs.ts';
import type { Config } from '../config/config.ts';
import { seedDemoAtStart } from '../demo/start.ts';
import { startEngine } from '../engine/start.ts';
import { webhookRunEvents } from '../webhooks/run-events.ts';
import { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import { bootstrapTenancy } from './bootstrap.ts';
import { createLogger } from './logger.ts';
import { closeServices, openServices } from './services.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

/** `tributary serve`: the API, the UI, the scheduler and the workers in one process. */
export async function serve(config: Config): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const services = await openServices(config, logger);
  let ready = false;
  services.isReady = () => ready;

  const { tokenFile } = await bootstrapTenancy(services.store, config, logger, services.clock.now());
  const events = webhookRunEvents(services.store, services.clock);
  const engine = await startEngine({ ...services, events, scheduler: true, workers: config.workerConcurrency });
  const webhooks = new WebhookDispatcher(services);
  webhooks.start();
  const app = await buildApp(services, { apiRoutes: [registerRunRoutes] });
  const url = await app.listen({ port: config.port, host: config.host });
  ready = true;

  logger.info({ url, tokenFile, workers: config.workerConcurrency }, 'tributary started');
  if (tokenFile) console.log(`Tributary is running at ${url}\nAdmin token: ${tokenFile}`);
  else console.log(`Tributary is running at ${url}`);

  // The demo goes through the API like a user would, so it starts once the API listens.
  await seedDemoAtStart({ app, config, clock: services.clock, logger });

  return {
    app,
    url,
    stop: async () => {
      ready = false;
      await app.close();
      await webhooks.stop();
      await engine.stop();
      await closeServices(services);
      logger.info('tributary stopped');
    },
  };
}
