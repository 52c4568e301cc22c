import { pipeline, type Readable, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import { ConnectorError } from '../types.ts';
import { ByteCounter, isGzip, peekStream } from './byte-streams.ts';
import { parseDelimited } from './delimited.ts';
import { decodeSample, detectDelimiter, detectEncoding, detectHeader, sampleRecords } from './detect.ts';
import type { FileSource } from './file-source.ts';
import { parseJsonArray, parseNdjson } from './json.ts';
import type { FileFormatOptions } from './options.ts';
import { openParquet } from './parquet.ts';
import type { ParsedFile } from './parsed-item.ts';

/** Bytes of decompressed text that detection looks at. */
const DETECTION_SAMPLE_BYTES = 64 * 1024;

/** Opens a file for parsing: decompresses, detects what the options leave out, and decodes. */
export async function openFile(file: FileSource, options: FileFormatOptions): Promise<ParsedFile> {
  if (options.format === 'parquet') {
    if (options.compression === 'gzip' || file.name.toLowerCase().endsWith('.gz')) {
      throw new ConnectorError(
        'UNSUPPORTED_FORMAT',
        `${file.name} is a gzip-compressed Parquet file; Parquet compresses its own pages, so store it uncompressed.`,
        false,
      );
    }
    return openParquet(file);
  }

  // The pipelines' callbacks ignore errors because a failing stage destroys the last stream with the
  // error, and the parser reading that stream throws it to the reader.
  const raw = file.open();
  const counter = new ByteCounter();
  const counted = pipeline(raw, counter, () => {});
  const magic = await peekStream(counted, 2);
  const gzip = options.compression
    ? options.compression === 'gzip'
    : file.name.toLowerCase().endsWith('.gz') || isGzip(magic.head);
  const bytes = gzip ? pipeline(magic.stream, createGunzip(), () => {}) : magic.stream;

  const sample = await peekStream(bytes, DETECTION_SAMPLE_BYTES);
  const encoding = options.encoding ?? (options.format === 'delimited' ? detectEncoding(sample.head) : 'utf-8');
  const text: Readable = pipeline(sample.stream, iconv.decodeStream(encoding) as unknown as Transform, () => {});
  const close = () => {
    raw.destroy();
    text.destroy();
  };
  const base = { bytesRead: () => counter.bytes, close };
  const compression = gzip ? 'gzip' : 'none';

  if (options.format === 'ndjson') {
    return {
      ...base,
      items: parseNdjson(text, file.name),
      columns: () => [],
      detected: { format: 'ndjson', encoding, compression },
    };
  }
  if (options.format === 'json') {
    return {
      ...base,
      items: parseJsonArray(text, file.name),
      columns: () => [],
      detected: { format: 'json', encoding, compression },
    };
  }

  const sampleText = decodeSample(sample.head, encoding);
  const delimiter = options.columnDelimiter ?? detectDelimiter(sampleText, options.quoteChar);
  const header =
    options.header ?? detectHeader(sampleRecords(sampleText, delimiter, options.quoteChar, options.escapeChar));
  const settings = { delimiter, quoteChar: options.quoteChar, escapeChar: options.escapeChar, header };
  const parsed = parseDelimited(text, settings, file.name);
  return {
    ...base,
    items: parsed.items,
    columns: parsed.columns,
    detected: {
      format: 'delimited',
      columnDelimiter: delimiter,
      quoteChar: options.quoteChar,
      escapeChar: options.escapeChar,
      encoding,
      header,
      compression,
    },
  };
}
