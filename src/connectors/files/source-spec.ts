import type { JsonSchema } from '../types.ts';

/** The `data` and `params` of a file source connection, shared by `local-files` and `sftp`. */
export const fileSourceSpec: JsonSchema = {
  type: 'object',
  required: ['data', 'params'],
  properties: {
    data: {
      type: 'object',
      required: ['format'],
      properties: {
        format: { type: 'string', enum: ['delimited', 'json', 'ndjson', 'parquet'] },
        properties: {
          type: 'object',
          additionalProperties: false,
          properties: {
            columnDelimiter: { type: 'string', description: 'One character: , ; | or a tab. Detected when absent.' },
            quoteChar: { type: 'string', maxLength: 1, default: '"' },
            escapeChar: { type: 'string', maxLength: 1, default: '"' },
            encoding: {
              type: 'string',
              enum: ['utf-8', 'iso-8859-1', 'windows-1252'],
              description: 'Detected when absent.',
            },
            header: { type: 'boolean', description: 'Whether the first row names the columns. Detected when absent.' },
            compression: {
              type: 'string',
              enum: ['gzip', 'none'],
              description: 'Detected from .gz and the file bytes when absent.',
            },
          },
        },
      },
    },
    params: {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: {
          type: 'string',
          description: "A file, a folder or a glob pattern relative to the account's folder.",
          examples: ['orders/*.csv'],
        },
        recursive: { type: 'boolean', default: false, description: 'Also read the subfolders.' },
      },
    },
  },
};
