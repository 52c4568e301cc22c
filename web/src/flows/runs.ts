import type { Run } from '../api/types.ts';

export const processedStatuses = 'inProgress,success,failed,cancelled';

export function runStartedAt(run: Run): string | undefined {
  return run.metrics?.durationSummary?.startedAt ?? undefined;
}

export function runDurationMs(run: Run, now: number): number | undefined {
  const summary = run.metrics?.durationSummary;
  if (summary?.durationMs !== undefined && summary.durationMs !== null) return summary.durationMs;
  if (run.status === 'inProgress' && summary?.startedAt) return now - Date.parse(summary.startedAt);
  return undefined;
}

/** Returns the share of received records that reached the dataset (0 to 1), or undefined before any record. */
export function ingestedRate(run: Run): number | undefined {
  const records = run.metrics?.recordSummary;
  if (!records?.inputRecordCount) return undefined;
  return (records.outputRecordCount ?? 0) / records.inputRecordCount;
}

/** Returns the progress (0 to 1) of a running run from its bytes, or undefined when the total is unknown. */
export function progressRatio(run: Run): number | undefined {
  const progress = run.metrics?.progress;
  if (!progress?.totalBytes || progress.bytesRead === undefined) return undefined;
  return Math.min(1, progress.bytesRead / progress.totalBytes);
}

/** Merges a fresh first page into the runs already shown, keeping the pages loaded further down. */
export function mergeRuns(shown: Run[], fresh: Run[]): Run[] {
  const freshIds = new Set(fresh.map((run) => run.id));
  return [...fresh, ...shown.filter((run) => !freshIds.has(run.id))];
}
