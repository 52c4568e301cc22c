import { createSqlConnector } from '../sql/sql-connector.ts';
import { databaseAuthSpec, tableSourceSpec } from '../sql/specs.ts';
import type { Connector } from '../types.ts';
import { openMysqlSession } from './mysql-session.ts';

export const mysqlConnector: Connector = createSqlConnector(
  {
    id: 'mysql',
    name: 'MySQL / MariaDB',
    description: 'Tables and views of a MySQL or MariaDB database, read by a delta column as a stream.',
    sourceKind: 'table',
    authSpec: databaseAuthSpec(3306),
    sourceSpec: tableSourceSpec('customers'),
    secretParams: ['password'],
  },
  openMysqlSession,
);
