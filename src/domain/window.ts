import { TributaryError } from './errors.ts';
import { formatInstant } from './time.ts';

// A window is the half-open interval [startMs, endMs) of data times a run fetches: a record at time
// t belongs to it when startMs <= t < endMs, so two consecutive windows share no record.

export interface TimeWindow {
  startMs: number;
  endMs: number;
}

export function windowsOverlap(a: TimeWindow, b: TimeWindow): boolean {
  return a.startMs < b.endMs && b.startMs < a.endMs;
}

export function sameWindow(a: TimeWindow, b: TimeWindow): boolean {
  return a.startMs === b.startMs && a.endMs === b.endMs;
}

/** Checks start < end, naming the two request fields in the message. */
export function assertWindowOrder(window: TimeWindow, startField: string, endField: string): void {
  if (window.startMs < window.endMs) return;
  throw new TributaryError(
    'INVALID_WINDOW',
    `${startField} ${formatInstant(window.startMs)} is not before ${endField} ${formatInstant(window.endMs)}; ` +
      `give a window start earlier than its end.`,
    { errors: [{ path: startField, message: 'must be before the window end' }] },
  );
}

/**
 * Cuts `range` into pieces along `grid` (windows that chain), keeping only the parts inside the
 * range: the first and last pieces are clipped to the range's edges.
 */
export function clipToRange(grid: Iterable<TimeWindow>, range: TimeWindow, maxPieces: number): TimeWindow[] {
  const pieces: TimeWindow[] = [];
  for (const window of grid) {
    if (window.startMs >= range.endMs) break;
    if (window.endMs <= range.startMs) continue;
    pieces.push({ startMs: Math.max(window.startMs, range.startMs), endMs: Math.min(window.endMs, range.endMs) });
    if (pieces.length > maxPieces) break;
  }
  return pieces;
}
