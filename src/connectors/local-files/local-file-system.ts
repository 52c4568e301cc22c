import fs from 'node:fs';
import path from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { invalidConnectionParams } from '../errors.ts';
import type { FileEntry, FileSystemSession } from '../files/file-system.ts';
import { ConnectorError, type ConnectionContext } from '../types.ts';

// Files under the server's file roots. Every path is resolved with realpath before use, so neither
// `..` nor a symbolic link can lead outside the roots.

const READ_CHUNK_BYTES = 256 * 1024;

export async function openLocalFileSystem(context: ConnectionContext): Promise<FileSystemSession> {
  const roots = await realRoots(context.fileRoots);
  const folder = await accountFolder(context.params.folder, roots);

  function outside(target: string, given: string): ConnectorError {
    return new ConnectorError(
      'PATH_OUTSIDE_ROOTS',
      `The path '${given}' resolves to ${target}, outside every file root (${roots.join(', ')}); choose a file or folder inside a root.`,
      false,
    );
  }

  /** Resolves a relative path to its real absolute path, rejecting one outside the roots. */
  async function resolve(relative: string): Promise<string> {
    const lexical = path.resolve(folder, relative);
    if (!insideAny(lexical, roots)) throw outside(lexical, relative);
    let real: string;
    try {
      real = await fs.promises.realpath(lexical);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ConnectorError(
          'SOURCE_NOT_FOUND',
          `'${relative}' does not exist in the folder ${folder}; check the path.`,
          false,
        );
      }
      throw error;
    }
    if (!insideAny(real, roots)) throw outside(real, relative);
    return real;
  }

  function entryOf(relative: string, stats: fs.Stats): FileEntry {
    return {
      path: relative,
      name: path.posix.basename(relative),
      isDirectory: stats.isDirectory(),
      sizeBytes: stats.size,
      mtimeMs: stats.mtimeMs,
    };
  }

  return {
    label: `local folder ${folder}`,

    async list(relativeFolder) {
      const real = await resolve(relativeFolder);
      const names = await fs.promises.readdir(real);
      const entries: FileEntry[] = [];
      for (const name of names) {
        const relative = relativeFolder === '' ? name : `${relativeFolder}/${name}`;
        // A link that leads outside the roots is left out of listings; naming it directly is an error.
        const target = await fs.promises.realpath(path.join(real, name)).catch((error: Error) => {
          context.logger?.debug({ path: relative, err: error }, 'broken link left out of the listing');
          return undefined;
        });
        if (target === undefined) continue;
        if (!insideAny(target, roots)) {
          context.logger?.warn({ path: relative, target }, 'link outside the file roots left out of the listing');
          continue;
        }
        entries.push(entryOf(relative, await fs.promises.stat(target)));
      }
      return entries;
    },

    async stat(relative) {
      return entryOf(relative, await fs.promises.stat(await resolve(relative)));
    },

    source(entry) {
      const absolute = path.resolve(folder, entry.path);
      return {
        name: entry.path,
        sizeBytes: entry.sizeBytes,
        open: () => fs.createReadStream(absolute, { highWaterMark: READ_CHUNK_BYTES }),
        openRange: (start, end) => fs.createReadStream(absolute, { start, end }),
        asyncBuffer: () => asyncBufferFromFile(absolute),
      };
    },

    async close() {},
  };
}

export async function realRoots(fileRoots: string[]): Promise<string[]> {
  if (fileRoots.length === 0) {
    throw invalidConnectionParams(
      'No file root is configured; set TRIBUTARY_FILE_ROOTS to the folders that local-files may read.',
    );
  }
  const roots: string[] = [];
  for (const root of fileRoots) roots.push(await fs.promises.realpath(root).catch(() => path.resolve(root)));
  return roots;
}

/** Resolves the account's folder, given relative to the first root or absolute inside a root. */
async function accountFolder(value: unknown, roots: string[]): Promise<string> {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw invalidConnectionParams(
      `auth.params.folder must be a folder path such as "exports"; got ${JSON.stringify(value)}.`,
    );
  }
  const given = value ?? '';
  const lexical = path.resolve(roots[0]!, given);
  const real = await fs.promises.realpath(lexical).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    throw new ConnectorError(
      'SOURCE_NOT_FOUND',
      `auth.params.folder '${given}' does not exist (${lexical}); create it or choose an existing folder under ${roots[0]}.`,
      false,
    );
  });
  if (!insideAny(lexical, roots) || !insideAny(real, roots)) {
    throw new ConnectorError(
      'PATH_OUTSIDE_ROOTS',
      `auth.params.folder '${given}' resolves to ${real}, outside every file root (${roots.join(', ')}); choose a folder inside a root.`,
      false,
    );
  }
  const stats = await fs.promises.stat(real);
  if (!stats.isDirectory()) {
    throw invalidConnectionParams(
      `auth.params.folder '${given}' is a file, not a folder; give the folder that contains the files.`,
    );
  }
  return real;
}

export function insideAny(target: string, roots: string[]): boolean {
  return roots.some((root) => target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}
