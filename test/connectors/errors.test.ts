import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { toConnectorError } from '../../src/connectors/errors.ts';
import { postgresConnector } from '../../src/connectors/postgres/index.ts';
import type { ConnectorError } from '../../src/connectors/types.ts';

describe('connector errors', () => {
  test('retry classes by code', () => {
    const cases: [Record<string, unknown>, string, boolean][] = [
      [{ code: 'ECONNRESET' }, 'SOURCE_UNREACHABLE', true],
      [{ code: 'ETIMEDOUT' }, 'SOURCE_UNREACHABLE', true],
      [{ code: '40001' }, 'SOURCE_READ_FAILED', true],
      [{ code: '40P01' }, 'SOURCE_READ_FAILED', true],
      [{ code: '55P03' }, 'SOURCE_READ_FAILED', true],
      [{ code: '57P03' }, 'SOURCE_READ_FAILED', true],
      [{ code: '53300' }, 'SOURCE_READ_FAILED', true],
      [{ errno: 1205 }, 'SOURCE_READ_FAILED', true],
      [{ errno: 1213 }, 'SOURCE_READ_FAILED', true],
      [{ errno: 1040 }, 'SOURCE_READ_FAILED', true],
      [{ code: '28P01' }, 'SOURCE_AUTH_FAILED', false],
      [{ errno: 1045 }, 'SOURCE_AUTH_FAILED', false],
      [{ code: '42P01' }, 'SOURCE_READ_FAILED', false],
    ];
    for (const [fields, code, transient] of cases) {
      const error = toConnectorError(Object.assign(new Error('driver message'), fields), 'postgres 127.0.0.1:5432/crm');
      assert.deepEqual([error.code, error.transient], [code, transient], JSON.stringify(fields));
      assert.match(error.message, /postgres 127\.0\.0\.1:5432\/crm/);
    }
  });

  test('connection refused is transient', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as net.AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const context = { params: { host: '127.0.0.1', port, database: 'crm', user: 'etl' }, fileRoots: [] };
    await assert.rejects(postgresConnector.check(context), (error: ConnectorError) => {
      assert.equal(error.code, 'SOURCE_UNREACHABLE');
      assert.equal(error.transient, true);
      return true;
    });
  });

  test('bad params name the field', async () => {
    await assert.rejects(
      postgresConnector.check({
        params: { host: '127.0.0.1', port: 'abc', database: 'crm', user: 'etl' },
        fileRoots: [],
      }),
      (error: ConnectorError) => {
        assert.equal(error.code, 'INVALID_CONNECTION_PARAMS');
        assert.match(error.message, /auth\.params\.port/);
        return true;
      },
    );
  });
});
