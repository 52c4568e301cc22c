import type { SecretBox } from '../config/secrets.ts';
import { getConnector } from '../connectors/registry.ts';
import type { Connector, RecordBatch, SourceDescriptor, SourceRowError } from '../connectors/types.ts';
import { createMapper, type Mapper } from '../datasets/mapping.ts';
import { DEFAULT_ERROR_THRESHOLD_PERCENT } from '../datasets/threshold.ts';
import type { DatasetDefinition, DatasetSchema, MappingRule, Warehouse } from '../datasets/types.ts';
import { TributaryError } from '../domain/errors.ts';
import { parseScheduleParams } from '../domain/schedule.ts';
import { loadFlow, type FlowRow } from '../store/runs/flowsForRuns.ts';
import type { Db, Run } from '../store/runs/run.ts';
import type { ConnectionsTable, SourceConnectionsTable } from '../store/schema.ts';
import { connectionContext } from './connection-context.ts';
import type { PreparedRun, RunPreparer, SourceBatch } from './pipeline.ts';

// The real pipeline of a run: the flow's source connection read through its connector, mapped to
// the dataset's schema, written into a warehouse batch.

export interface RealPipelineOptions {
  db: Db;
  warehouse: Warehouse;
  secretBox: SecretBox;
  fileRoots: string[];
}

// Records per connector batch: large enough to amortize each write, small enough to keep memory flat.
const READ_BATCH_SIZE = 5000;

export function createRealPreparer(options: RealPipelineOptions): RunPreparer {
  return { prepare: (run) => prepareRun(options, run) };
}

async function prepareRun(options: RealPipelineOptions, run: Run): Promise<PreparedRun> {
  const parts = await loadFlowParts(options.db, run.flowId);
  const { flow, source, account, connector } = parts;

  const datasetRow = await options.db
    .selectFrom('datasets')
    .selectAll()
    .where('id', '=', flow.target_dataset_id)
    .where('org_id', '=', flow.org_id)
    .where('sandbox', '=', flow.sandbox)
    .executeTakeFirst();
  if (!datasetRow) {
    throw new TributaryError(
      'NOT_FOUND',
      `The flow's target dataset '${flow.target_dataset_id}' no longer exists; point the flow at an existing dataset.`,
    );
  }
  const dataset: DatasetDefinition = {
    id: datasetRow.id,
    schema: JSON.parse(datasetRow.schema) as DatasetSchema,
    ...(datasetRow.primary_key ? { primaryKey: JSON.parse(datasetRow.primary_key) as string[] } : {}),
  };

  const timezone = parseScheduleParams(JSON.parse(flow.schedule)).timezone;
  const transformations = JSON.parse(flow.transformations) as { mapping?: MappingRule[] };
  const mapping =
    transformations.mapping ?? dataset.schema.fields.map((field) => ({ source: field.name, destination: field.name }));
  const mapper = createMapper({ schema: dataset.schema, mapping, timezone });
  const flowOptions = JSON.parse(flow.options) as { errorThresholdPercent?: number };
  const descriptor = sourceDescriptor(source);

  return {
    errorThresholdPercent: flowOptions.errorThresholdPercent ?? DEFAULT_ERROR_THRESHOLD_PERCENT,
    source: {
      open: async (signal) => {
        const context = connectionContext(account, options.secretBox, options.fileRoots, signal);
        const stream = await connector.read(context, {
          source: descriptor,
          window: { startMs: run.windowStart, endMs: run.windowEnd },
          ...(connector.spec.sourceKind === 'table'
            ? { deltaColumn: run.deltaColumn ?? flow.delta_column ?? undefined }
            : {}),
          timezone,
          batchSize: READ_BATCH_SIZE,
        });
        return {
          totalBytes: stream.plan.totalBytes ?? null,
          fileCount: stream.plan.objects.length,
          batches: mapBatches(stream.batches, mapper),
          close: () => stream.close(),
        };
      },
    },
    sink: {
      findCommittedBatch: async (runId) => {
        const batch = await options.warehouse.findCommittedBatch(runId);
        return batch ? { id: batch.id, recordCount: batch.recordCount } : null;
      },
      openBatch: async (runId) => {
        await options.warehouse.ensureDataset(dataset);
        return options.warehouse.openBatch(dataset, runId);
      },
    },
  };
}

async function* mapBatches(
  batches: AsyncIterable<RecordBatch | { rowErrors: SourceRowError[] }>,
  mapper: Mapper,
): AsyncGenerator<SourceBatch> {
  for await (const batch of batches) {
    if ('rowErrors' in batch) {
      // Rows the connector could not parse count as input and as failed.
      yield {
        rows: [],
        rowErrors: batch.rowErrors.map((error) => ({ ...error, rawValue: error.rawValue.slice(0, 200) })),
        inputRecords: batch.rowErrors.length,
        failedRecords: batch.rowErrors.length,
        bytesRead: 0,
      };
      continue;
    }
    const mapped = mapper.map(batch);
    yield {
      rows: mapped.rows,
      rowErrors: mapped.errors,
      inputRecords: batch.records.length,
      failedRecords: mapped.failedCount,
      bytesRead: batch.bytesRead,
    };
  }
}

interface FlowParts {
  flow: FlowRow;
  source: SourceConnectionsTable;
  account: ConnectionsTable;
  connector: Connector;
}

/** Loads a flow with its source connection, its account and the account's connector. */
export async function loadFlowParts(db: Db, flowId: string): Promise<FlowParts> {
  const flow = await loadFlow(db, flowId);
  if (!flow) throw new TributaryError('NOT_FOUND', `The run's flow '${flowId}' no longer exists.`);

  const [sourceId] = JSON.parse(flow.source_connection_ids) as string[];
  const source = await db
    .selectFrom('source_connections')
    .selectAll()
    .where('id', '=', sourceId ?? '')
    .where('org_id', '=', flow.org_id)
    .where('sandbox', '=', flow.sandbox)
    .executeTakeFirst();
  if (!source) {
    throw new TributaryError(
      'NOT_FOUND',
      `The flow's source connection '${sourceId}' no longer exists; edit the flow.`,
    );
  }
  const account = await db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', source.base_connection_id)
    .where('org_id', '=', flow.org_id)
    .where('sandbox', '=', flow.sandbox)
    .executeTakeFirst();
  if (!account) {
    throw new TributaryError(
      'NOT_FOUND',
      `The source connection's account '${source.base_connection_id}' no longer exists; edit the source connection.`,
    );
  }
  const connector = getConnector(account.spec_id);
  if (!connector) {
    throw new TributaryError(
      'UNKNOWN_CONNECTION_SPEC',
      `The account's connection spec '${account.spec_id}' is unknown to this server.`,
    );
  }
  return { flow, source, account, connector };
}

function sourceDescriptor(source: SourceConnectionsTable): SourceDescriptor {
  return {
    data: JSON.parse(source.data) as SourceDescriptor['data'],
    params: JSON.parse(source.params) as Record<string, unknown>,
  };
}

/** Facts about a flow's source that the on-demand run checks read. */
export interface SourceInspector {
  /** Whether the flow reads a table (placed in windows by a delta column) or files. */
  sourceKind(flowId: string): Promise<'file' | 'table'>;
  /** Names of the date and time columns of the flow's source table. */
  deltaColumns(flowId: string): Promise<string[]>;
}

export function createSourceInspector(options: Omit<RealPipelineOptions, 'warehouse'>): SourceInspector {
  return {
    sourceKind: async (flowId) => (await loadFlowParts(options.db, flowId)).connector.spec.sourceKind,
    deltaColumns: async (flowId) => {
      const { source, account, connector } = await loadFlowParts(options.db, flowId);
      if (!connector.deltaColumns) return [];
      const context = connectionContext(account, options.secretBox, options.fileRoots);
      const columns = await connector.deltaColumns(context, sourceDescriptor(source));
      return columns.filter((column) => column.canBeDeltaColumn !== false).map((column) => column.name);
    },
  };
}
