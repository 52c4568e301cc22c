import type { Readable } from 'node:stream';
import type { AsyncBuffer } from 'hyparquet';

/** One file to parse, whatever system it lives on: local disk or an SFTP server. */
export interface FileSource {
  /** Path relative to the account folder, used as the origin of batches and row errors. */
  name: string;
  sizeBytes: number;
  /** Streams the file's bytes from the start. */
  open(): Readable;
  /** Streams the bytes from `start` to `end` inclusive, to sample rows away from the start. */
  openRange?(start: number, end: number): Readable;
  /** Random access to the bytes, which Parquet needs to read its footer and column chunks. */
  asyncBuffer(): Promise<AsyncBuffer>;
}
