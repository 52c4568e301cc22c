import { createFileConnector } from '../files/file-connector.ts';
import { fileSourceSpec } from '../files/source-spec.ts';
import type { Connector } from '../types.ts';
import { openLocalFileSystem } from './local-file-system.ts';

export const localFilesConnector: Connector = createFileConnector(
  {
    id: 'local-files',
    name: 'Local files',
    description: 'Files in a folder under one of the server file roots: delimited text, JSON, NDJSON, Parquet, gzip.',
    sourceKind: 'file',
    authSpec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        folder: {
          type: 'string',
          title: 'Folder',
          description: 'Relative to the first file root, or absolute inside a root.',
          examples: ['exports'],
        },
      },
    },
    sourceSpec: fileSourceSpec,
    secretParams: [],
  },
  openLocalFileSystem,
);
