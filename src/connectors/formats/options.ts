import { ConnectorError, type SourceDescriptor } from '../types.ts';

// The `data` of a file source connection: which format, and how to parse it. Properties left out are
// detected from each file's first bytes.

export type FileFormat = 'delimited' | 'json' | 'ndjson' | 'parquet';

export type TextEncoding = 'utf-8' | 'iso-8859-1' | 'windows-1252';

export interface FileFormatOptions {
  format: FileFormat;
  /** One of `,` `;` tab `|`, or any single character; detected when absent. */
  columnDelimiter?: string;
  quoteChar: string;
  escapeChar: string;
  encoding?: TextEncoding;
  header?: boolean;
  /** `gzip`, `none`, or detected from the `.gz` extension and the magic bytes when absent. */
  compression?: 'gzip' | 'none';
}

export const FILE_FORMATS: FileFormat[] = ['delimited', 'json', 'ndjson', 'parquet'];

const ENCODING_ALIASES: Record<string, TextEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'iso-8859-1': 'iso-8859-1',
  latin1: 'iso-8859-1',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
};

const DELIMITER_NAMES: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };

/** Guesses the format from a file name, ignoring a `.gz` suffix. */
export function formatFromFileName(fileName: string): FileFormat | undefined {
  const name = fileName.toLowerCase().replace(/\.gz$/, '');
  if (/\.(csv|tsv|txt|psv|dat)$/.test(name)) return 'delimited';
  if (/\.(ndjson|jsonl)$/.test(name)) return 'ndjson';
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.parquet')) return 'parquet';
  return undefined;
}

/**
 * Reads and checks the `data` of a source connection. `fileName` picks the format when `data` has
 * none, as in an explore preview of a file the user has not configured yet.
 */
export function resolveFormatOptions(data: SourceDescriptor['data'] | undefined, fileName?: string): FileFormatOptions {
  const properties = data?.properties ?? {};
  const requested = data?.format && data.format !== 'auto' ? data.format : undefined;
  const format = requested ?? (fileName ? formatFromFileName(fileName) : undefined) ?? 'delimited';
  if (!FILE_FORMATS.includes(format as FileFormat)) {
    throw new ConnectorError(
      'UNSUPPORTED_FORMAT',
      `data.format '${format}' is not supported for files; use one of ${FILE_FORMATS.join(', ')}.`,
      false,
    );
  }
  return {
    format: format as FileFormat,
    columnDelimiter: delimiterProperty(properties.columnDelimiter),
    quoteChar: charProperty(properties.quoteChar, 'quoteChar') ?? '"',
    escapeChar: charProperty(properties.escapeChar, 'escapeChar') ?? '"',
    encoding: encodingProperty(properties.encoding),
    header: booleanProperty(properties.header, 'header'),
    compression: compressionProperty(properties.compression),
  };
}

function invalid(message: string): ConnectorError {
  return new ConnectorError('INVALID_SOURCE_PARAMS', message, false);
}

function delimiterProperty(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const delimiter = typeof value === 'string' ? (DELIMITER_NAMES[value.toLowerCase()] ?? value) : value;
  if (typeof delimiter !== 'string' || delimiter.length !== 1) {
    throw invalid(
      `data.properties.columnDelimiter must be one character such as ";" or "\\t"; got ${JSON.stringify(value)}.`,
    );
  }
  return delimiter;
}

function charProperty(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length !== 1) {
    throw invalid(`data.properties.${name} must be one character such as '"'; got ${JSON.stringify(value)}.`);
  }
  return value;
}

function encodingProperty(value: unknown): TextEncoding | undefined {
  if (value === undefined || value === null || value === '' || value === 'auto') return undefined;
  const encoding = typeof value === 'string' ? ENCODING_ALIASES[value.toLowerCase()] : undefined;
  if (!encoding) {
    throw invalid(
      `data.properties.encoding ${JSON.stringify(value)} is not supported; use utf-8, iso-8859-1 or windows-1252.`,
    );
  }
  return encoding;
}

function booleanProperty(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    throw invalid(`data.properties.${name} must be true or false; got ${JSON.stringify(value)}.`);
  return value;
}

function compressionProperty(value: unknown): 'gzip' | 'none' | undefined {
  if (value === undefined || value === null || value === '' || value === 'auto') return undefined;
  if (value !== 'gzip' && value !== 'none') {
    throw invalid(
      `data.properties.compression must be "gzip" or "none" (or left out to detect it); got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
