import { createSqlConnector } from '../sql/sql-connector.ts';
import { tableSourceSpec } from '../sql/specs.ts';
import type { Connector } from '../types.ts';
import { openSqliteSession } from './sqlite-session.ts';

export const sqliteConnector: Connector = createSqlConnector(
  {
    id: 'sqlite',
    name: 'SQLite',
    description: 'Tables and views of a SQLite file under one of the server file roots.',
    sourceKind: 'table',
    authSpec: {
      type: 'object',
      required: ['path'],
      additionalProperties: false,
      properties: {
        path: {
          type: 'string',
          minLength: 1,
          description: 'The database file, relative to the first file root or absolute inside a root.',
          examples: ['crm.db'],
        },
      },
    },
    sourceSpec: tableSourceSpec('customers'),
    secretParams: [],
  },
  openSqliteSession,
);
