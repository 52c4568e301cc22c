import { createSqlConnector } from '../sql/sql-connector.ts';
import { databaseAuthSpec, tableSourceSpec } from '../sql/specs.ts';
import type { Connector } from '../types.ts';
import { openPostgresSession } from './postgres-session.ts';

export const postgresConnector: Connector = createSqlConnector(
  {
    id: 'postgres',
    name: 'PostgreSQL',
    description: 'Tables and views of a PostgreSQL database, read by a delta column with a server-side cursor.',
    sourceKind: 'table',
    authSpec: databaseAuthSpec(5432),
    sourceSpec: tableSourceSpec('public.customers'),
    secretParams: ['password'],
  },
  openPostgresSession,
);
