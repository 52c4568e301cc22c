import { createFileConnector } from '../files/file-connector.ts';
import { fileSourceSpec } from '../files/source-spec.ts';
import { ConnectorError, type Connector } from '../types.ts';
import { openLocalFileSystem } from './local-file-system.ts';

const fileConnector: Connector = createFileConnector(
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

export const localFilesConnector: Connector = {
  ...fileConnector,
  // A folder that does not exist yet may be created later; one outside the roots never becomes valid.
  async validateAccount(context) {
    try {
      const files = await openLocalFileSystem(context);
      await files.close();
    } catch (error) {
      if (error instanceof ConnectorError && error.code === 'SOURCE_NOT_FOUND') return;
      throw error;
    }
  },
};
