import type { FileSource } from '../formats/file-source.ts';
import type { ConnectionContext } from '../types.ts';

/** A file or folder of an account, with a path relative to the account's folder (`/` separators). */
export interface FileEntry {
  path: string;
  name: string;
  isDirectory: boolean;
  sizeBytes: number;
  mtimeMs: number;
}

/**
 * One open connection to a file system: the local disk under the file roots, or an SFTP server. The
 * file connector does selection, windows and parsing on top of it.
 */
export interface FileSystemSession {
  /** Names the account's folder in messages, such as `sftp://127.0.0.1:2222/exports`. */
  label: string;
  /** Entries of one folder, relative to the account's folder; `''` is the folder itself. */
  list(relativeFolder: string): Promise<FileEntry[]>;
  /** The entry at a path, or a `SOURCE_NOT_FOUND` error. */
  stat(relativePath: string): Promise<FileEntry>;
  source(entry: FileEntry): FileSource;
  close(): Promise<void>;
}

export type OpenFileSystem = (context: ConnectionContext) => Promise<FileSystemSession>;
