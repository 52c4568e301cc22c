import type { BatchWriter, DatasetRow, RowError } from '../datasets/types.ts';
import type { Run } from '../store/runs/run.ts';

// The narrow interfaces between the executor and the systems a run touches. The real ones read
// through a connector and the mapper into the warehouse. Tests plug in a small in-memory source.

/** Mapped records of one source batch, with the counts that progress and metrics need. */
export interface SourceBatch {
  rows: DatasetRow[];
  rowErrors: RowError[];
  /** Records read from the source, failed ones included. */
  inputRecords: number;
  /** Records that produced no row. */
  failedRecords: number;
  bytesRead: number;
}

export interface OpenedSource {
  totalBytes: number | null;
  /** Files (or tables) that the window selected. */
  fileCount: number;
  batches: AsyncIterable<SourceBatch>;
  close(): Promise<void>;
}

/** The source of one run: its window of the flow's source, already mapped to the dataset. */
export interface RunSource {
  open(signal: AbortSignal): Promise<OpenedSource>;
}

/** The sink of one run: the dataset's batches in the warehouse. */
export interface RunSink {
  findCommittedBatch(runId: string): Promise<{ id: string; recordCount: number } | null>;
  openBatch(runId: string): Promise<BatchWriter>;
}

export interface PreparedRun {
  source: RunSource;
  sink: RunSink;
  /** Failed rows above this percentage of input rows fail the run; 0 fails on any. */
  errorThresholdPercent: number;
}

/** Loads what a run needs (flow, source, account, dataset) and wires its source and sink. */
export interface RunPreparer {
  prepare(run: Run): Promise<PreparedRun>;
}
