import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { buildApp, type AppOptions } from '../../src/api/app.ts';
import type { ApiServices } from '../../src/api/context.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { generateToken, hashToken, SecretBox } from '../../src/config/secrets.ts';
import { openWarehouse } from '../../src/datasets/warehouse.ts';
import { ManualClock } from '../../src/domain/time.ts';
import { createLogger } from '../../src/server/logger.ts';
import { addToken, ensureOrganization, ensureUser, type Role } from '../../src/store/tenancy.ts';
import { makeTempDir, type MetadataBackend } from './backends.ts';

/** An API app on a fresh metadata store, with tokens for two organizations and three roles. */
export interface TestApi {
  app: FastifyInstance;
  services: ApiServices;
  clock: ManualClock;
  /** Every log line the app wrote, as text. */
  logLines: string[];
  tokens: { adminA: string; editorA: string; viewerA: string; adminB: string };
  fileRoot: string;
  close(): Promise<void>;
}

export async function startTestApi(backend: MetadataBackend, options: AppOptions = {}): Promise<TestApi> {
  const dataDir = makeTempDir('tributary-api-');
  const fileRoot = path.join(dataDir, 'files');
  fs.mkdirSync(fileRoot, { recursive: true });
  const config: Config = loadConfig({ TRIBUTARY_DATA_DIR: dataDir, TRIBUTARY_FILE_ROOTS: fileRoot, LOG_LEVEL: 'info' });

  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger('info', sink);

  const clock = new ManualClock(Date.parse('2026-12-04T10:00:00Z'));
  const store = await backend.open();
  const warehouse = await openWarehouse({ url: `sqlite:${path.join(dataDir, 'warehouse.db')}`, clock });
  const services: ApiServices = {
    config: { ...config, databaseUrl: store.description },
    store,
    warehouse,
    secretBox: new SecretBox(Buffer.alloc(32, 7)),
    clock,
    logger,
    metrics: new Registry(),
  };

  const now = clock.now();
  await ensureOrganization(store.db, { id: 'org-a', name: 'Organization A' }, now);
  await ensureOrganization(store.db, { id: 'org-b', name: 'Organization B' }, now);
  const tokenFor = async (email: string, orgId: string, role: Role) => {
    const userId = await ensureUser(store.db, { email, name: email, orgId, role }, now);
    const token = generateToken();
    await addToken(store.db, { userId, name: email, tokenHash: hashToken(token) }, now);
    return token;
  };
  const tokens = {
    adminA: await tokenFor('admin@a.test', 'org-a', 'admin'),
    editorA: await tokenFor('editor@a.test', 'org-a', 'editor'),
    viewerA: await tokenFor('viewer@a.test', 'org-a', 'viewer'),
    adminB: await tokenFor('admin@b.test', 'org-b', 'admin'),
  };

  const app = await buildApp(services, { webRoot: path.join(dataDir, 'no-ui'), ...options });
  await app.ready();
  return {
    app,
    services,
    clock,
    logLines,
    tokens,
    fileRoot,
    close: async () => {
      await app.close();
      await warehouse.close();
      await store.close();
    },
  };
}

/** Headers for a request with a token and, optionally, a sandbox. */
export function auth(token: string, sandbox?: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...(sandbox ? { 'x-sandbox-name': sandbox } : {}) };
}
