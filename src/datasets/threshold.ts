/** The error threshold of a flow when its options set none, in percent of input rows. */
export const DEFAULT_ERROR_THRESHOLD_PERCENT = 5;

/**
 * True when a run must fail for its row errors: failed rows over `thresholdPercent` of the input
 * rows. A threshold of 0 fails on any failed row; exactly at the threshold passes.
 */
export function exceedsErrorThreshold(counts: { failed: number; input: number; thresholdPercent?: number }): boolean {
  const thresholdPercent = counts.thresholdPercent ?? DEFAULT_ERROR_THRESHOLD_PERCENT;
  if (counts.failed <= 0) return false;
  if (thresholdPercent <= 0 || counts.input <= 0) return true;

  // Compares failed / input > threshold / 100 without dividing, so 5 of 100 at 5 % passes exactly.
  return counts.failed * 100 > thresholdPercent * counts.input;
}
