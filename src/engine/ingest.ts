import { exceedsErrorThreshold } from '../datasets/threshold.ts';
import type { BatchWriter } from '../datasets/types.ts';
import { TributaryError } from '../domain/errors.ts';
import { deleteRowErrors, insertRowErrors } from '../store/runs/rowErrors.ts';
import type { Db, Run, RunMetrics } from '../store/runs/run.ts';
import { throwIfStopped, untilAborted } from './abort.ts';
import type { PreparedRun, SourceBatch } from './pipeline.ts';

export interface AttemptContext {
  db: Db;
  signal: AbortSignal;
  /** Shared with the heartbeat, which writes them about once a second. */
  metrics: RunMetrics;
  /** Batches of the runs this run replaces, removed from view in the commit. */
  supersedesBatchIds: string[];
  /** Confirms the lease and that no stop was requested, right before the commit. */
  beforeCommit(): Promise<void>;
}

export interface AttemptResult {
  batchId: string;
  /** True when an earlier attempt had committed the batch already, so nothing was read. */
  recovered: boolean;
}

/**
 * Runs one attempt of a run: reads the window through the mapper into a staging batch, stores the
 * row errors, checks the error threshold and commits. A batch that an earlier attempt committed
 * before its worker died ends the run without reading again, so a window is never written twice.
 */
export async function ingestAttempt(run: Run, prepared: PreparedRun, context: AttemptContext): Promise<AttemptResult> {
  const committed = await prepared.sink.findCommittedBatch(run.id);
  if (committed) {
    context.metrics.outputRecordCount = committed.recordCount;
    return { batchId: committed.id, recovered: true };
  }

  Object.assign(context.metrics, {
    inputRecordCount: 0,
    outputRecordCount: 0,
    failedRecordCount: 0,
    inputBytes: 0,
    recordsRead: 0,
    bytesRead: 0,
  });
  await deleteRowErrors(context.db, run.id);

  const writer = await prepared.sink.openBatch(run.id);
  try {
    await readInto(run, prepared, writer, context);
    checkThreshold(context.metrics, prepared.errorThresholdPercent);

    await context.beforeCommit();
    const again = await prepared.sink.findCommittedBatch(run.id);
    if (again) {
      // Another worker took this run over while this one was slow, and committed first.
      await writer.abort();
      return { batchId: again.id, recovered: true };
    }
    const { recordCount } = await writer.commit({ supersedesBatchIds: context.supersedesBatchIds });
    context.metrics.outputRecordCount = recordCount;
    return { batchId: writer.batchId, recovered: false };
  } catch (error) {
    await writer.abort().catch(() => {
      // The staging batch is dropped by the next attempt's openBatch anyway.
    });
    throw error;
  }
}

async function readInto(run: Run, prepared: PreparedRun, writer: BatchWriter, context: AttemptContext): Promise<void> {
  const opened = await untilAborted(prepared.source.open(context.signal), context.signal);
  context.metrics.totalBytes = opened.totalBytes;
  context.metrics.inputFileCount = opened.fileCount;

  let nextSeq = 0;
  const iterator = opened.batches[Symbol.asyncIterator]();
  let pending = readAhead(iterator);
  try {
    for (;;) {
      throwIfStopped(context.signal);
      const next: IteratorResult<SourceBatch> = await untilAborted(pending, context.signal);
      if (next.done) break;
      const batch = next.value;
      // The source reads the next batch while this one is written, so neither waits for the other.
      pending = readAhead(iterator);

      if (batch.rows.length > 0) await untilAborted(writer.write(batch.rows), context.signal);
      if (batch.rowErrors.length > 0) {
        await insertRowErrors(
          context.db,
          run.id,
          nextSeq,
          batch.rowErrors.map((error) => ({
            origin: error.origin,
            rowNumber: error.rowNumber,
            field: error.field ?? null,
            code: error.code,
            message: error.message,
            rawValue: error.rawValue ?? null,
          })),
        );
        nextSeq += batch.rowErrors.length;
      }
      addBatch(context.metrics, batch);
    }
  } finally {
    void iterator.return?.()?.catch(() => {});
    await opened.close().catch(() => {
      // Closing a source that failed mid-read may fail again; the read error is what matters.
    });
  }
}

/**
 * Starts reading the next batch. The read may fail while the current batch is still being written,
 * so the promise is marked handled here and its error surfaces where the loop awaits it.
 */
function readAhead(iterator: AsyncIterator<SourceBatch>): Promise<IteratorResult<SourceBatch>> {
  const next = iterator.next();
  next.catch(() => {});
  return next;
}

// NOTE: outputBytes stays 0 because the batch writers do not report the bytes they store.
function addBatch(metrics: RunMetrics, batch: SourceBatch): void {
  metrics.inputRecordCount += batch.inputRecords;
  metrics.recordsRead += batch.inputRecords;
  metrics.failedRecordCount += batch.failedRecords;
  metrics.bytesRead += batch.bytesRead;
  metrics.inputBytes += batch.bytesRead;
}

function checkThreshold(metrics: RunMetrics, thresholdPercent: number): void {
  const failed = metrics.failedRecordCount;
  const input = metrics.inputRecordCount;
  if (!exceedsErrorThreshold({ failed, input, thresholdPercent })) return;

  const percent = input > 0 ? Math.round((failed / input) * 10_000) / 100 : 100;
  throw new TributaryError(
    'ERROR_THRESHOLD_EXCEEDED',
    `${failed} of ${input} rows failed (${percent}%), over the flow's error threshold of ${thresholdPercent}%; ` +
      `fix the rows listed in the run's row errors or raise options.errorThresholdPercent, then retry the run.`,
  );
}
