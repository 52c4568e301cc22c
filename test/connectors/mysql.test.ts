import crypto from 'node:crypto';
import { describe } from 'node:test';
import mysql from 'mysql2/promise';
import { mysqlConnector } from '../../src/connectors/mysql/index.ts';
import { inCi, mysqlUrl } from '../support/backends.ts';
import { ORDER_TIMES, tableConnectorCases, type TableFixture } from './table-cases.ts';

async function mysqlUnavailable(): Promise<string | false> {
  try {
    const connection = await mysql.createConnection({ uri: mysqlUrl, connectTimeout: 3000 });
    await connection.end();
    return false;
  } catch (error) {
    const reason = `MariaDB at ${mysqlUrl} is unreachable: ${(error as Error).message}`;
    if (inCi) throw new Error(`${reason}; CI requires it.`, { cause: error });
    return reason;
  }
}

const skip = await mysqlUnavailable();

async function fixture(): Promise<TableFixture> {
  const database = `conn_${crypto.randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: mysqlUrl });
  try {
    await admin.query(`create database \`${database}\``);
    await admin.query(`use \`${database}\``);
    await admin.query("set time_zone = '+00:00'");
    await admin.query(
      'create table orders (id int primary key, label varchar(40), updated_at datetime(3), changed_at timestamp(3) null)',
    );
    for (const [index, time] of ORDER_TIMES.entries()) {
      await admin.query('insert into orders values (?, ?, ?, ?)', [index + 1, `order ${index + 1}`, time, time]);
    }
    await admin.query('create view orders_view as select * from orders');
  } finally {
    await admin.end();
  }
  const url = new URL(mysqlUrl);
  return {
    context: {
      params: {
        host: url.hostname,
        port: Number(url.port || 3306),
        database,
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      },
      fileRoots: [],
    },
    tableName: 'orders',
    viewName: `${database}.orders_view`,
    explorePath: database,
    zonedColumn: 'changed_at',
    cleanup: async () => {
      const connection = await mysql.createConnection({ uri: mysqlUrl });
      await connection.query(`drop database if exists \`${database}\``);
      await connection.end();
    },
  };
}

describe('mysql connector on MariaDB', { skip }, () => {
  tableConnectorCases(mysqlConnector, fixture);
});
