import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Clock } from '../domain/time.ts';
import { injectedApi, seedDemo } from './seed.ts';

/**
 * Seeds the demo from `serve` once the API is up, unless TRIBUTARY_DEMO=0. It uses the admin token
 * (TRIBUTARY_ADMIN_TOKEN or the generated token file) and never stops the server: a failure is
 * logged as a warning.
 */
export async function seedDemoAtStart(options: {
  app: FastifyInstance;
  config: Config;
  clock: Clock;
  logger: Logger;
}): Promise<void> {
  const { app, config, clock, logger } = options;
  if (!config.demo) return;

  const token = config.adminToken ?? readTokenFile(config.dataDir);
  const fileRoot = config.fileRoots[0];
  if (!token || !fileRoot) {
    logger.warn(
      { hasToken: Boolean(token), hasFileRoot: Boolean(fileRoot) },
      'demo not seeded: no admin token or file root',
    );
    return;
  }

  try {
    await seedDemo({ api: injectedApi(app, token), dataDir: config.dataDir, fileRoot, clock, logger });
  } catch (error) {
    logger.warn({ err: error }, 'demo not seeded');
  }
}

function readTokenFile(dataDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
