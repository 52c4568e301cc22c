// Exponential backoff with full jitter: attempt n (1-based) waits a random time in
// [0, min(maxMs, baseMs · 2^(n−1))), so retrying clients spread out instead of knocking together.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** `random` returns a number in [0, 1); injected so tests can pin it. */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
