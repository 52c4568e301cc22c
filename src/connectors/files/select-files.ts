import path from 'node:path';
import picomatch from 'picomatch';
import { invalidSourceParams } from '../errors.ts';
import type { ReadWindow } from '../types.ts';
import type { FileEntry, FileSystemSession } from './file-system.ts';

// Which files a source connection's `path` selects: a file, a folder (with its subfolders when
// `recursive`), or a glob pattern such as `orders/*.csv` or `orders/**/*.csv`.

export interface FileSelection {
  path: string;
  recursive: boolean;
}

export function fileSelection(params: Record<string, unknown>): FileSelection {
  const value = params.path ?? '';
  if (typeof value !== 'string') {
    throw invalidSourceParams(
      `params.path must be a file, folder or pattern such as "orders/*.csv"; got ${JSON.stringify(value)}.`,
    );
  }
  const recursive = params.recursive ?? false;
  if (typeof recursive !== 'boolean') {
    throw invalidSourceParams(`params.recursive must be true or false; got ${JSON.stringify(recursive)}.`);
  }
  return { path: normalizeRelative(value, 'params.path'), recursive };
}

/** Normalizes a relative path to `/` separators without `.` segments. `..` segments stay for the roots check. */
export function normalizeRelative(value: string, field: string): string {
  const slashed = value.replace(/\\/g, '/').trim();
  if (slashed.startsWith('/')) {
    throw invalidSourceParams(
      `${field} '${value}' is absolute; give it relative to the account's folder, such as "orders/*.csv".`,
    );
  }
  const normalized = path.posix.normalize(slashed === '' ? '.' : slashed).replace(/\/$/, '');
  return normalized === '.' ? '' : normalized;
}

/** Lists the files a selection matches, sorted by modification time and then path. */
export async function selectFiles(session: FileSystemSession, selection: FileSelection): Promise<FileEntry[]> {
  const scan = picomatch.scan(selection.path);
  let files: FileEntry[];
  if (!scan.isGlob) {
    const entry = await session.stat(selection.path);
    files = entry.isDirectory ? await listFiles(session, entry.path, selection.recursive) : [entry];
  } else {
    const base = scan.base === '.' ? '' : scan.base;
    const deep = selection.recursive || scan.glob.includes('/') || scan.glob.includes('**');
    const matchesPattern = picomatch(selection.path);
    // With `recursive`, `orders/*.csv` also takes the CSV files of the subfolders of `orders`.
    const lastSegment = picomatch(scan.glob.split('/').pop() ?? scan.glob);
    const matches = (entry: FileEntry) =>
      matchesPattern(entry.path) || (selection.recursive && lastSegment(entry.name));
    files = (await listFiles(session, base, deep)).filter(matches);
  }
  return files.sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
}

async function listFiles(session: FileSystemSession, folder: string, recursive: boolean): Promise<FileEntry[]> {
  const files: FileEntry[] = [];
  const pending = [folder];
  while (pending.length > 0) {
    const entries = await session.list(pending.shift()!);
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      if (!entry.isDirectory) files.push(entry);
      else if (recursive) pending.push(entry.path);
    }
  }
  return files;
}

/**
 * Tells whether a file's last-modified time is in the window `[startMs, endMs)`. A file modified
 * exactly at the start is read, and one modified exactly at the end waits for the next window.
 */
export function inWindow(entry: FileEntry, window: ReadWindow): boolean {
  // Flooring sub-millisecond times keeps the comparison exact against millisecond bounds.
  const mtimeMs = Math.floor(entry.mtimeMs);
  return window.startMs <= mtimeMs && mtimeMs < window.endMs;
}
