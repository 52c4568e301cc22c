import { describe } from 'node:test';
import pg from 'pg';
import { postgresConnector } from '../../src/connectors/postgres/index.ts';
import { dropPostgresSchema, postgresUrl, skipUnlessPostgres, uniqueSchemaName } from '../support/backends.ts';
import { ORDER_TIMES, tableConnectorCases, type TableFixture } from './table-cases.ts';

const skip = await skipUnlessPostgres();

async function fixture(): Promise<TableFixture> {
  const schema = uniqueSchemaName('conn');
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`create schema "${schema}"`);
    await client.query(
      `create table "${schema}".orders (id integer primary key, label text, updated_at timestamp without time zone, changed_at timestamptz)`,
    );
    for (const [index, time] of ORDER_TIMES.entries()) {
      await client.query(
        `insert into "${schema}".orders values ($1, $2, $3::timestamp, $3::timestamp at time zone 'UTC')`,
        [index + 1, `order ${index + 1}`, time],
      );
    }
    await client.query(`create view "${schema}".orders_view as select * from "${schema}".orders`);
  } finally {
    await client.end();
  }
  const url = new URL(postgresUrl);
  return {
    context: {
      params: {
        host: url.hostname,
        port: Number(url.port || 5432),
        database: url.pathname.slice(1),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      },
      fileRoots: [],
    },
    tableName: `${schema}.orders`,
    viewName: `${schema}.orders_view`,
    explorePath: schema,
    zonedColumn: 'changed_at',
    cleanup: () => dropPostgresSchema(schema),
  };
}

describe('postgres connector', { skip }, () => {
  tableConnectorCases(postgresConnector, fixture);
});
