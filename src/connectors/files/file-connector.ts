import { toConnectorError } from '../errors.ts';
import { batchParsedFile, sampleParsedFile, type BatchOrErrors } from '../formats/batches.ts';
import { openFile } from '../formats/open-file.ts';
import type { ParsedFile } from '../formats/parsed-item.ts';
import { resolveFormatOptions } from '../formats/options.ts';
import { sampleSpread, type SpreadSettings } from '../formats/spread-sample.ts';
import { detectedColumnFormats, inferColumns, INFERENCE_SAMPLE_ROWS } from '../inference.ts';
import type {
  ConnectionContext,
  ConnectionSpec,
  Connector,
  ExploreRequest,
  ExploreResult,
  ReadRequest,
  ReadStream,
} from '../types.ts';
import type { FileEntry, FileSystemSession, OpenFileSystem } from './file-system.ts';
import { fileSelection, inWindow, normalizeRelative, selectFiles } from './select-files.ts';

// The part that `local-files` and `sftp` share: selection of files by path, pattern and window, the
// formats, and explore with a preview. Each of them only lists and opens its files.

export const DEFAULT_BATCH_SIZE = 5000;
const DEFAULT_PREVIEW_ROWS = 20;

export function createFileConnector(spec: ConnectionSpec, openFileSystem: OpenFileSystem): Connector {
  async function withSession<T>(
    context: ConnectionContext,
    action: (session: FileSystemSession) => Promise<T>,
  ): Promise<T> {
    const session = await openFileSystem(context);
    try {
      return await action(session);
    } catch (error) {
      throw toConnectorError(error, session.label);
    } finally {
      await session.close();
    }
  }

  return {
    spec,

    check: (context) =>
      withSession(context, async (session) => {
        await session.list('');
      }),

    explore: (context, request) => withSession(context, (session) => explore(session, request)),

    validateSource: (context, source) =>
      withSession(context, async (session) => {
        resolveFormatOptions(source.data);
        const selection = fileSelection(source.params);
        await selectFiles(session, selection);
      }),

    async read(context: ConnectionContext, request: ReadRequest): Promise<ReadStream> {
      const session = await openFileSystem(context);
      const openFiles = new Set<ParsedFile>();
      try {
        resolveFormatOptions(request.source.data);
        const files = (await selectFiles(session, fileSelection(request.source.params))).filter((file) =>
          inWindow(file, request.window),
        );
        return {
          plan: {
            objects: files.map((file) => ({
              name: file.path,
              sizeBytes: file.sizeBytes,
              modifiedAt: new Date(file.mtimeMs).toISOString(),
            })),
            totalBytes: files.reduce((total, file) => total + file.sizeBytes, 0),
          },
          batches: readFiles(session, files, request, openFiles, context.signal),
          close: async () => {
            // A read stopped halfway leaves its file open until the stream is closed.
            for (const parsed of openFiles) parsed.close();
            await session.close();
          },
        };
      } catch (error) {
        await session.close();
        throw toConnectorError(error, session.label);
      }
    },
  };
}

async function* readFiles(
  session: FileSystemSession,
  files: FileEntry[],
  request: ReadRequest,
  openFiles: Set<ParsedFile>,
  signal: AbortSignal | undefined,
): AsyncGenerator<BatchOrErrors> {
  const batchSize = request.batchSize ?? DEFAULT_BATCH_SIZE;
  for (const file of files) {
    try {
      const parsed = await openFile(session.source(file), resolveFormatOptions(request.source.data, file.name));
      openFiles.add(parsed);
      for await (const batch of batchParsedFile(parsed, file.path, batchSize)) {
        // A cancelled read stops between batches without an error, because the caller aborted it.
        if (signal?.aborted) return;
        yield batch;
      }
      openFiles.delete(parsed);
    } catch (error) {
      throw toConnectorError(error, `${session.label}/${file.path}`);
    }
  }
}

async function explore(session: FileSystemSession, request: ExploreRequest): Promise<ExploreResult> {
  if (request.object === undefined) {
    const entries = await session.list(normalizeRelative(request.path ?? '', 'path'));
    return {
      items: entries
        .filter((entry) => !entry.name.startsWith('.'))
        .sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name))
        .map((entry) => ({
          name: entry.name,
          path: entry.path,
          type: entry.isDirectory ? 'folder' : 'file',
          ...(entry.isDirectory ? {} : { sizeBytes: entry.sizeBytes }),
          modifiedAt: new Date(entry.mtimeMs).toISOString(),
        })),
    };
  }

  const entry = await session.stat(normalizeRelative(request.object, 'object'));
  const file = session.source(entry);
  const parsed = await openFile(file, resolveFormatOptions(request.data, entry.name));
  const sample = await sampleParsedFile(parsed, INFERENCE_SAMPLE_ROWS);
  const detected = parsed.detected;
  const spread =
    detected.format === 'delimited' && detected.compression === 'none'
      ? await sampleSpread(file, spreadSettings(detected), sample.columns)
      : [];
  const columns = inferColumns(sample.columns, [...sample.records, ...spread]);
  return {
    items: [],
    preview: {
      columns,
      rows: sample.records.slice(0, request.previewRows ?? DEFAULT_PREVIEW_ROWS),
      detected: {
        ...parsed.detected,
        columns: detectedColumnFormats(columns),
        sampledRows: sample.records.length + spread.length,
      },
    },
  };
}

function spreadSettings(detected: Record<string, unknown>): SpreadSettings {
  return {
    encoding: detected.encoding as SpreadSettings['encoding'],
    delimiter: detected.columnDelimiter as string,
    quoteChar: detected.quoteChar as string,
    escapeChar: detected.escapeChar as string,
  };
}
