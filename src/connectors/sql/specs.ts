import type { JsonSchema } from '../types.ts';

/** Builds the account schema of a database server: PostgreSQL, MySQL or MariaDB. */
export function databaseAuthSpec(defaultPort: number): JsonSchema {
  return {
    type: 'object',
    required: ['host', 'database', 'user'],
    additionalProperties: false,
    properties: {
      host: { type: 'string', minLength: 1, examples: ['127.0.0.1'] },
      port: { type: 'integer', minimum: 1, maximum: 65535, default: defaultPort },
      database: { type: 'string', minLength: 1, examples: ['crm'] },
      user: { type: 'string', minLength: 1, examples: ['etl'] },
      password: { type: 'string', writeOnly: true },
    },
  };
}

/** Builds the schema of a table source connection: `{"data":{"format":"tabular"},"params":{"tableName":"public.customers"}}`. */
export function tableSourceSpec(example: string): JsonSchema {
  return {
    type: 'object',
    required: ['data', 'params'],
    properties: {
      data: {
        type: 'object',
        required: ['format'],
        properties: { format: { type: 'string', const: 'tabular' } },
      },
      params: {
        type: 'object',
        required: ['tableName'],
        additionalProperties: false,
        properties: {
          tableName: {
            type: 'string',
            minLength: 1,
            description: 'A table or view that explore lists, as schema.table or a name in the default schema.',
            examples: [example],
          },
        },
      },
    },
  };
}
