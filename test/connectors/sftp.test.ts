import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { sftpConnector } from '../../src/connectors/sftp/index.ts';
import type { ConnectorError } from '../../src/connectors/types.ts';
import { type RecordBatch } from '../../src/connectors/types.ts';
import { skipUnlessSftp, startSftpServer, type SftpServer } from '../support/sftp-server.ts';

const skip = skipUnlessSftp();

describe('sftp connector', { skip }, () => {
  let server: SftpServer;

  before(async () => {
    server = await startSftpServer();
  });
  after(async () => {
    await server?.stop();
  });

  const params = (extra: Record<string, unknown>) => ({
    host: server.host,
    port: server.port,
    user: server.user,
    hostKeyFingerprint: server.hostKeyFingerprint,
    folder: server.folder,
    ...extra,
  });
  const context = (extra: Record<string, unknown>) => ({ params: params(extra), fileRoots: [] });

  test('password login', async () => {
    await sftpConnector.check(context({ password: server.password }));
  });

  test('key login', async () => {
    fs.writeFileSync(path.join(server.folder, 'key-login.csv'), 'a\n1\n');
    const result = await sftpConnector.explore(context({ privateKey: server.privateKey }), {});
    assert.ok(result.items.some((item) => item.name === 'key-login.csv'));
  });

  test('Parquet preview through random access', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'code', data: ['01001', '2A004'], type: 'STRING' },
        { name: 'amount', data: [1.5, 2.25], type: 'DOUBLE' },
      ],
    });
    fs.writeFileSync(path.join(server.folder, 'data.parquet'), Buffer.from(buffer), { mode: 0o644 });
    const result = await sftpConnector.explore(context({ password: server.password }), { object: 'data.parquet' });
    assert.deepEqual(result.preview?.rows, [
      { code: '01001', amount: 1.5 },
      { code: '2A004', amount: 2.25 },
    ]);
  });

  test('wrong password rejected', async () => {
    await assert.rejects(sftpConnector.check(context({ password: 'not-the-password' })), (error: ConnectorError) => {
      assert.equal(error.code, 'SOURCE_AUTH_FAILED');
      assert.equal(error.transient, false);
      return true;
    });
  });

  test('wrong fingerprint rejected', async () => {
    const wrong = `SHA256:${'A'.repeat(43)}`;
    await assert.rejects(
      sftpConnector.check(context({ password: server.password, hostKeyFingerprint: wrong })),
      (error: ConnectorError) => {
        assert.equal(error.code, 'HOST_KEY_MISMATCH');
        assert.match(error.message, new RegExp(server.hostKeyFingerprint.replace(/[+/]/g, '\\$&')));
        return true;
      },
    );
  });

  test('missing folder and .. rejected', async () => {
    const source = (pattern: string) => ({ data: { format: 'delimited' }, params: { path: pattern } });
    await assert.rejects(
      sftpConnector.validateSource(context({ password: server.password }), source('missing/*.csv')),
      (error: ConnectorError) => error.code === 'SOURCE_NOT_FOUND' && !error.transient,
    );
    await assert.rejects(
      sftpConnector.validateSource(context({ password: server.password }), source('../*.csv')),
      (error: ConnectorError) => error.code === 'INVALID_SOURCE_PARAMS',
    );
  });

  test('read a window of files', async () => {
    const folder = path.join(server.folder, 'orders');
    fs.mkdirSync(folder, { mode: 0o755 });
    const windowStart = Date.parse('2026-12-04T09:00:00Z');
    const windowEnd = Date.parse('2026-12-04T10:00:00Z');
    const files: [string, number][] = [
      ['at-start.csv', windowStart],
      ['inside.csv', windowStart + 30 * 60_000],
      ['at-end.csv', windowEnd],
      ['before.csv', windowStart - 1000],
    ];
    for (const [name, mtimeMs] of files) {
      const file = path.join(folder, name);
      fs.writeFileSync(file, `id;name\n${name};é\n`, { mode: 0o644 });
      fs.utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
    }

    const stream = await sftpConnector.read(context({ password: server.password }), {
      source: { data: { format: 'delimited', properties: { columnDelimiter: ';' } }, params: { path: 'orders/*.csv' } },
      window: { startMs: windowStart, endMs: windowEnd },
    });
    const records: unknown[] = [];
    for await (const batch of stream.batches) records.push(...(batch as RecordBatch).records);
    await stream.close();

    assert.deepEqual(
      stream.plan.objects.map((object) => object.name),
      ['orders/at-start.csv', 'orders/inside.csv'],
    );
    assert.deepEqual(records, [
      { id: 'at-start.csv', name: 'é' },
      { id: 'inside.csv', name: 'é' },
    ]);
  });
});
