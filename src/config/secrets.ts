import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config.ts';

// Secrets (passwords, private keys, webhook signing keys) are stored as AES-256-GCM envelopes:
// `v1.<iv>.<tag>.<ciphertext>`, each part base64url. The key never leaves memory.

const ENVELOPE_VERSION = 'v1';
const IV_BYTES = 12;
const KEY_FILE = 'secret.key';

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new ConfigError('The secret key must be 32 bytes (64 hex characters or base64).');
    this.#key = key;
  }

  encrypt(plaintext: string): string {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [ENVELOPE_VERSION, iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(envelope: string): string {
    const [version, iv, tag, ciphertext] = envelope.split('.');
    if (version !== ENVELOPE_VERSION || !iv || !tag || ciphertext === undefined) {
      throw new Error('The secret envelope is malformed.');
    }
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  encryptJson(value: unknown): string {
    return this.encrypt(JSON.stringify(value));
  }

  decryptJson<T>(envelope: string): T {
    return JSON.parse(this.decrypt(envelope)) as T;
  }
}

/**
 * Builds the secret box from TRIBUTARY_SECRET_KEY, or from a key file in the data folder that is
 * generated with mode 0600 on first start.
 */
export function loadSecretBox(secretKey: string | undefined, dataDir: string): SecretBox {
  if (secretKey) return new SecretBox(decodeKey(secretKey, 'TRIBUTARY_SECRET_KEY'));

  const file = path.join(dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first; read theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return new SecretBox(decodeKey(fs.readFileSync(file, 'utf8').trim(), file));
}

function decodeKey(text: string, source: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(
      `${source} must hold a 32-byte key as 64 hex characters or base64; generate one with: openssl rand -hex 32`,
    );
  }
  return key;
}

/** SHA-256 of an API token, hex; tokens are stored only as this hash. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Generates an API token: `trb_` and 32 random bytes, base64url. */
export function generateToken(): string {
  return `trb_${crypto.randomBytes(32).toString('base64url')}`;
}
