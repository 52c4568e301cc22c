import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { classifyValue } from '../inference.ts';
import type { TextEncoding } from './options.ts';

// Detection of a delimited file's encoding, delimiter and header row from its first bytes.

const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'];
const SAMPLE_RECORDS = 20;

/** UTF-8 when the bytes decode as UTF-8 (or carry its BOM); Windows-1252 otherwise. */
export function detectEncoding(sample: Buffer): TextEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  try {
    // `stream: true` keeps a character cut at the end of the sample from counting as invalid.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    // Windows-1252 is a superset of ISO-8859-1 for printable characters, so it reads both.
    return 'windows-1252';
  }
}

export function decodeSample(sample: Buffer, encoding: TextEncoding): string {
  return iconv.decode(sample, encoding).replace(/^\uFEFF/, '');
}

/**
 * Picks the candidate that splits the first records into the same number of fields, the most fields
 * winning. Counts ignore delimiters inside quotes.
 */
export function detectDelimiter(text: string, quoteChar = '"'): string {
  const counts = countDelimitersPerRecord(text, quoteChar);
  let best = ',';
  let bestScore = 0;
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const perRecord = counts.map((record) => record.get(delimiter) ?? 0);
    if (perRecord.length === 0) continue;
    const consistent = perRecord.every((count) => count === perRecord[0]);
    const score = (consistent ? 1000 : 0) + Math.min(...perRecord);
    if (Math.min(...perRecord) > 0 && score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

function countDelimitersPerRecord(text: string, quoteChar: string): Map<string, number>[] {
  const records: Map<string, number>[] = [];
  let current = new Map<string, number>();
  let inQuotes = false;
  // The last line of the sample may be cut, so it is left out when there are others.
  const lastNewline = text.lastIndexOf('\n');
  const end = lastNewline > 0 ? lastNewline : text.length;
  for (let index = 0; index < end && records.length < SAMPLE_RECORDS; index++) {
    const char = text[index]!;
    if (char === quoteChar) inQuotes = !inQuotes;
    else if (!inQuotes && char === '\n') {
      records.push(current);
      current = new Map();
    } else if (!inQuotes && CANDIDATE_DELIMITERS.includes(char)) current.set(char, (current.get(char) ?? 0) + 1);
  }
  if (records.length === 0 || current.size > 0) records.push(current);
  return records.filter((record) => record.size > 0 || records.length === 1);
}

/** Parses the first complete records of a sample, for header detection. */
export function sampleRecords(text: string, delimiter: string, quoteChar: string, escapeChar: string): string[][] {
  const lastNewline = text.lastIndexOf('\n');
  const complete = lastNewline > 0 ? text.slice(0, lastNewline + 1) : text;
  try {
    return parse(complete, {
      delimiter,
      quote: quoteChar,
      escape: escapeChar,
      relax_column_count: true,
      skip_empty_lines: true,
      to: SAMPLE_RECORDS,
    }) as string[][];
  } catch {
    return [];
  }
}

/** Tells whether the first row is a header: it is, unless one of its values reads as a number, a date or a boolean. */
export function detectHeader(records: string[][]): boolean {
  const first = records[0];
  if (!first) return true;
  return !first.some((value) => {
    const kind = classifyValue(value).kind;
    return kind === 'integer' || kind === 'number' || kind === 'date' || kind === 'datetime' || kind === 'boolean';
  });
}
