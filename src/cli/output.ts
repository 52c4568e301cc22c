import type { Writable } from 'node:stream';
import { Temporal } from 'temporal-polyfill';
import type { Translator } from './i18n/index.ts';

// How the client prints: aligned tables and key/value blocks for people, JSON for scripts. Results
// go to standard output; warnings, progress and errors to standard error.

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}

export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(displayWidth(header), ...rows.map((row) => displayWidth(row[column] ?? ''))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell + ' '.repeat(widths[column]! - displayWidth(cell)),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Label/value lines, labels aligned. */
export function formatDetails(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([label]) => displayWidth(label)));
  return pairs.map(([label, value]) => `${label}${' '.repeat(width - displayWidth(label))}  ${value}`).join('\n');
}

// Combining marks take no column; the CLI's own strings and French names have no wide characters.
function displayWidth(text: string): number {
  return [...text.normalize('NFC')].length;
}

/** Formats an API time (ISO-8601 UTC) in the local time zone with its offset, so that it is unambiguous. */
export function formatTime(iso: string | null | undefined, timeZone = localTimeZone()): string {
  if (!iso) return '—';
  try {
    const zoned = Temporal.Instant.from(iso).toZonedDateTimeISO(timeZone);
    return `${zoned.toPlainDateTime().toString({ smallestUnit: 'second' }).replace('T', ' ')}${zoned.offset}`;
  } catch {
    return iso;
  }
}

export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function formatBytes(bytes: number, t: Translator): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const rounded = unit === 0 ? value : Math.round(value * 10) / 10;
  return `${t.formatNumber(rounded)} ${units[unit]}`;
}

/** Draws a text progress bar such as `[██████░░░░░░░░░░░░░░]  30 %`. */
export function progressBar(fraction: number, width = 30): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)} %`;
}
