import path from 'node:path';
import { localFilesConnector } from '../src/connectors/local-files/index.ts';
import type { Connector, ReadRequest } from '../src/connectors/types.ts';
import { createMapper } from '../src/datasets/mapping.ts';
import type { DatasetDefinition, MappingRule, Warehouse } from '../src/datasets/types.ts';

// Our ingestion path without the engine around it: connector read → mapper → warehouse batch
// writer → commit, the same calls the engine's executor makes for one run.

export interface IngestResult {
  records: number;
  failed: number;
  bytes: number;
}

export interface IngestRequest {
  connector: Connector;
  context: Parameters<Connector['read']>[0];
  read: ReadRequest;
  warehouse: Warehouse;
  dataset: DatasetDefinition;
  mapping: MappingRule[];
  runId: string;
}

export async function ingest(request: IngestRequest): Promise<IngestResult> {
  const mapper = createMapper({ schema: request.dataset.schema, mapping: request.mapping });
  const writer = await request.warehouse.openBatch(request.dataset, request.runId);
  const stream = await request.connector.read(request.context, request.read);
  let failed = 0;
  let bytes = 0;
  try {
    for await (const item of stream.batches) {
      if ('rowErrors' in item) {
        failed += item.rowErrors.length;
        continue;
      }
      bytes += item.bytesRead;
      const mapped = mapper.map(item);
      failed += mapped.failedCount;
      await writer.write(mapped.rows);
    }
  } catch (error) {
    await writer.abort();
    throw error;
  } finally {
    await stream.close();
  }
  const { recordCount } = await writer.commit({ supersedesBatchIds: [] });
  return { records: recordCount, failed, bytes };
}

/** Reads one CSV file through `local-files`, whatever its modification time. */
export function ingestCsvFile(
  file: string,
  options: Pick<IngestRequest, 'warehouse' | 'dataset' | 'mapping' | 'runId'>,
): Promise<IngestResult> {
  const folder = path.dirname(file);
  return ingest({
    ...options,
    connector: localFilesConnector,
    context: { params: { folder }, fileRoots: [folder] },
    read: {
      source: {
        data: { format: 'delimited', properties: { columnDelimiter: ',', header: true, encoding: 'utf-8' } },
        params: { path: path.basename(file) },
      },
      window: { startMs: 0, endMs: Date.now() + 86_400_000 },
    },
  });
}
