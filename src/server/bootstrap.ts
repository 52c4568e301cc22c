import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { generateToken, hashToken } from '../config/secrets.ts';
import type { Store } from '../store/store.ts';
import { addToken, countTokens, DEFAULT_ORGANIZATION_ID, ensureOrganization, ensureUser } from '../store/tenancy.ts';

export const ADMIN_TOKEN_FILE = 'admin-token';

export interface BootstrapResult {
  /** Path of the generated admin token file, or null when no token was generated. */
  tokenFile: string | null;
}

/**
 * Creates the default organization (sandboxes `prod` and `dev`) and the first admin. The admin
 * token is TRIBUTARY_ADMIN_TOKEN, or one generated on first start into the data folder, mode 0600.
 */
export async function bootstrapTenancy(
  store: Store,
  config: Config,
  logger: Logger,
  nowMs: number,
): Promise<BootstrapResult> {
  await ensureOrganization(store.db, { id: DEFAULT_ORGANIZATION_ID, name: 'Default organization' }, nowMs);
  const adminId = await ensureUser(
    store.db,
    { email: 'admin@localhost', name: 'Administrator', orgId: DEFAULT_ORGANIZATION_ID, role: 'admin' },
    nowMs,
  );

  if (config.adminToken) {
    await addToken(
      store.db,
      { userId: adminId, name: 'TRIBUTARY_ADMIN_TOKEN', tokenHash: hashToken(config.adminToken) },
      nowMs,
    );
    return { tokenFile: null };
  }

  const tokenFile = path.join(config.dataDir, ADMIN_TOKEN_FILE);
  if ((await countTokens(store.db)) > 0) return { tokenFile: fs.existsSync(tokenFile) ? tokenFile : null };

  const token = generateToken();
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  await addToken(store.db, { userId: adminId, name: 'bootstrap admin', tokenHash: hashToken(token) }, nowMs);
  logger.info({ tokenFile }, 'admin token generated');
  return { tokenFile };
}
