import type { SecretBox } from '../config/secrets.ts';
import type { ConnectionContext } from '../connectors/types.ts';
import type { ConnectionsTable } from '../store/schema.ts';

/**
 * Builds what a connector needs from a stored account: its public parameters merged with its
 * decrypted secrets. The secrets stay in memory for the call and are never logged.
 */
export function connectionContext(
  row: Pick<ConnectionsTable, 'params' | 'secrets'>,
  secretBox: SecretBox,
  fileRoots: string[],
  signal?: AbortSignal,
): ConnectionContext {
  const params = JSON.parse(row.params) as Record<string, unknown>;
  const secrets = row.secrets ? secretBox.decryptJson<Record<string, unknown>>(row.secrets) : {};
  return { params: { ...params, ...secrets }, fileRoots, ...(signal ? { signal } : {}) };
}

/** Splits account parameters into the public part and the secret part named by the spec. */
export function splitSecretParams(
  params: Record<string, unknown>,
  secretNames: string[],
): { publicParams: Record<string, unknown>; secretParams: Record<string, unknown> } {
  const publicParams: Record<string, unknown> = {};
  const secretParams: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (secretNames.includes(name)) secretParams[name] = value;
    else publicParams[name] = value;
  }
  return { publicParams, secretParams };
}
