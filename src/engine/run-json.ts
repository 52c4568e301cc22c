import { formatInstant, formatOptionalInstant } from '../domain/time.ts';
import type { Run } from '../store/runs/run.ts';

// The run object of the API. Times are ISO-8601 UTC; progress appears only while the run executes.

export function runToJson(run: Run) {
  const { metrics } = run;
  return {
    id: run.id,
    etag: run.etag,
    flowId: run.flowId,
    sandboxName: run.sandbox,
    status: run.status,
    trigger: run.trigger,
    retryOf: run.retryOf,
    superseded: run.superseded,
    attempt: run.attempt,
    params: {
      startTime: formatInstant(run.dueAt),
      windowStartTime: formatInstant(run.windowStart),
      windowEndTime: formatInstant(run.windowEnd),
      deltaColumn: run.deltaColumn ? { name: run.deltaColumn } : null,
    },
    metrics: {
      durationSummary: {
        startedAt: formatOptionalInstant(run.startedAt),
        completedAt: formatOptionalInstant(run.completedAt),
        durationMs: run.startedAt !== null && run.completedAt !== null ? run.completedAt - run.startedAt : null,
      },
      recordSummary: {
        inputRecordCount: metrics.inputRecordCount,
        outputRecordCount: metrics.outputRecordCount,
        failedRecordCount: metrics.failedRecordCount,
      },
      sizeSummary: { inputBytes: metrics.inputBytes, outputBytes: metrics.outputBytes },
      fileSummary: { inputFileCount: metrics.inputFileCount },
      ...(run.status === 'inProgress'
        ? {
            progress: {
              recordsRead: metrics.recordsRead,
              bytesRead: metrics.bytesRead,
              totalBytes: metrics.totalBytes,
            },
          }
        : {}),
    },
    errors: run.errors,
    batchId: run.batchId,
    createdAt: formatInstant(run.createdAt),
    updatedAt: formatInstant(run.updatedAt),
    createdBy: run.createdBy,
  };
}

export type RunJson = ReturnType<typeof runToJson>;
