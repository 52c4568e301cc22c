import crypto from 'node:crypto';
import path from 'node:path';
import { Client, type ConnectConfig, type SFTPWrapper, type Stats } from 'ssh2';
import {
  authFailed,
  invalidConnectionParams,
  invalidSourceParams,
  optionalString,
  portParam,
  requiredString,
} from '../errors.ts';
import type { FileEntry, FileSystemSession } from '../files/file-system.ts';
import { ConnectorError, type ConnectionContext } from '../types.ts';

// Files on an SFTP server through `ssh2`. The server's host key must match the fingerprint of the
// account, written as OpenSSH prints it (`SHA256:` and unpadded base64), before any credential is sent.

const READY_TIMEOUT_MS = 15_000;
const READ_CHUNK_BYTES = 256 * 1024;

export async function openSftpFileSystem(context: ConnectionContext): Promise<FileSystemSession> {
  const params = context.params;
  const host = requiredString(params, 'host', '127.0.0.1');
  const port = portParam(params, 22);
  const expected = normalizeFingerprint(requiredString(params, 'hostKeyFingerprint', 'SHA256:…'));
  const address = `sftp://${host}:${port}`;

  let presented: string | undefined;
  const config: ConnectConfig = {
    host,
    port,
    username: requiredString(params, 'user', 'etl'),
    ...credentials(params),
    readyTimeout: READY_TIMEOUT_MS,
    hostVerifier: (key: Buffer) => {
      presented = `SHA256:${crypto.createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
      return presented === expected;
    },
  };

  const client = new Client();
  try {
    await connect(client, config);
  } catch (error) {
    client.end();
    if (presented !== undefined && presented !== expected) {
      throw new ConnectorError(
        'HOST_KEY_MISMATCH',
        `The host key of ${address} has fingerprint ${presented}, not ${expected}; if the server's key changed on purpose, set auth.params.hostKeyFingerprint to ${presented}.`,
        false,
        { cause: error },
      );
    }
    if ((error as { level?: string }).level === 'client-authentication') {
      throw authFailed(address, (error as Error).message, error);
    }
    throw error;
  }

  const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
    client.sftp((error, wrapper) => (error ? reject(error) : resolve(wrapper))),
  );
  const folderGiven = optionalString(params, 'folder') ?? '.';
  const folder = await call<string>((done) => sftp.realpath(folderGiven, done)).catch((error: unknown) => {
    client.end();
    throw new ConnectorError(
      'SOURCE_NOT_FOUND',
      `auth.params.folder '${folderGiven}' does not exist on ${address}; give an absolute folder or one relative to the login folder.`,
      false,
      { cause: error },
    );
  });

  /** Resolves a path relative to the folder to an absolute remote path, rejecting one that leaves the folder. */
  function remotePath(relative: string): string {
    const absolute = path.posix.resolve(folder, relative);
    if (absolute !== folder && !absolute.startsWith(folder === '/' ? '/' : `${folder}/`)) {
      throw invalidSourceParams(
        `The path '${relative}' leads outside the account's folder ${folder} on ${address}; remove the '..' segments.`,
      );
    }
    return absolute;
  }

  /** Turns SFTP status 2, "no such file", into a permanent not-found error that names the path. */
  const notFound = (relative: string) => (error: { code?: number }) => {
    if (error.code !== 2) throw error;
    throw new ConnectorError(
      'SOURCE_NOT_FOUND',
      `'${relative}' does not exist in ${folder} on ${address}; check the path.`,
      false,
    );
  };

  async function stat(relative: string): Promise<FileEntry> {
    const stats = await call<Stats>((done) => sftp.stat(remotePath(relative), done)).catch(notFound(relative));
    return entryOf(relative, stats);
  }

  return {
    label: `${address}${folder}`,

    async list(relativeFolder) {
      const list = await call<{ filename: string; attrs: Stats }[]>((done) =>
        sftp.readdir(remotePath(relativeFolder), done),
      ).catch(notFound(relativeFolder));
      const entries: FileEntry[] = [];
      for (const item of list) {
        if (item.filename === '.' || item.filename === '..') continue;
        const relative = relativeFolder === '' ? item.filename : `${relativeFolder}/${item.filename}`;
        // Listings carry the link itself; follow it to learn whether it is a file or a folder.
        const stats = item.attrs.isSymbolicLink()
          ? await call<Stats>((done) => sftp.stat(remotePath(relative), done)).catch((error: Error) => {
              context.logger?.debug({ path: relative, err: error }, 'broken link left out of the listing');
              return undefined;
            })
          : item.attrs;
        if (stats) entries.push(entryOf(relative, stats));
      }
      return entries;
    },

    stat,

    source(entry) {
      const absolute = remotePath(entry.path);
      return {
        name: entry.path,
        sizeBytes: entry.sizeBytes,
        open: () => sftp.createReadStream(absolute, { highWaterMark: READ_CHUNK_BYTES }),
        openRange: (start, end) => sftp.createReadStream(absolute, { start, end }),
        asyncBuffer: async () => {
          const handle = await call<Buffer>((done) => sftp.open(absolute, 'r', done));
          return {
            byteLength: entry.sizeBytes,
            slice: (start: number, end = entry.sizeBytes) => readRange(sftp, handle, start, end),
          };
        },
      };
    },

    async close() {
      client.end();
    },
  };
}

function connect(client: Client, config: ConnectConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve()).once('error', reject);
    client.connect(config);
  });
}

function credentials(params: Record<string, unknown>): Pick<ConnectConfig, 'password' | 'privateKey' | 'passphrase'> {
  const password = optionalString(params, 'password');
  const privateKey = optionalString(params, 'privateKey');
  if (!password && !privateKey) {
    throw invalidConnectionParams(
      'auth.params needs a password or a privateKey (an OpenSSH or PEM private key) to log in to the SFTP server.',
    );
  }
  return {
    ...(password ? { password } : {}),
    ...(privateKey ? { privateKey, passphrase: optionalString(params, 'passphrase') } : {}),
  };
}

/** `SHA256:abc…` as OpenSSH prints it; the prefix may be left out and base64 padding is ignored. */
export function normalizeFingerprint(value: string): string {
  const trimmed = value.trim().replace(/=+$/, '');
  const digest = trimmed.replace(/^SHA256:/i, '');
  if (!/^[A-Za-z0-9+/]{43}$/.test(digest)) {
    throw invalidConnectionParams(
      `auth.params.hostKeyFingerprint '${value}' is not a SHA256 fingerprint; copy the SHA256:… value that 'ssh-keygen -lf <host key>.pub' or 'ssh-keyscan' prints.`,
    );
  }
  return `SHA256:${digest}`;
}

function entryOf(relative: string, stats: Stats): FileEntry {
  return {
    path: relative,
    name: path.posix.basename(relative),
    isDirectory: stats.isDirectory(),
    sizeBytes: stats.size,
    // SFTP gives modification times in whole seconds.
    mtimeMs: stats.mtime * 1000,
  };
}

async function readRange(sftp: SFTPWrapper, handle: Buffer, start: number, end: number): Promise<ArrayBuffer> {
  const buffer = Buffer.alloc(end - start);
  let offset = 0;
  while (offset < buffer.length) {
    const length = Math.min(READ_CHUNK_BYTES, buffer.length - offset);
    const bytesRead = await call<number>((done) => sftp.read(handle, buffer, offset, length, start + offset, done));
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + offset) as ArrayBuffer;
}

/** Turns an ssh2 callback call into a promise. */
function call<T>(start: (done: (error: Error | undefined | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
}
