import type { SourceRecord, SourceRowError } from '../types.ts';

/** One parsed row of a file: a record with its row number, or a row that could not be parsed. */
export type ParsedItem = { record: SourceRecord; rowNumber: number } | { error: SourceRowError };

/** A file opened for parsing. */
export interface ParsedFile {
  /** Parsed rows in order, a few hundred at a time. */
  items: AsyncIterable<ParsedItem[]>;
  /** Column names known so far: the header, or those of the records seen. */
  columns(): string[];
  /** Source bytes consumed so far (compressed bytes for a gzip file). */
  bytesRead(): number;
  /** The settings detected or used to parse the file, to prefill a source connection's properties. */
  detected: Record<string, unknown>;
  close(): void;
}
