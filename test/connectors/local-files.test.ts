import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import iconv from 'iconv-lite';
import { localFilesConnector as connector } from '../../src/connectors/local-files/index.ts';
import type {
  ConnectionContext,
  ConnectorError,
  ReadWindow,
  SourceDescriptor,
  SourceRecord,
  SourceRowError,
} from '../../src/connectors/types.ts';
import { makeTempDir } from '../support/backends.ts';
import { waitFor } from '../support/wait.ts';

/** Lists the paths this process has open, from /proc on Linux. */
function openDescriptors(): string[] {
  return fs.readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [fs.readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });
}

const ALL_TIME: ReadWindow = { startMs: 0, endMs: Date.parse('2100-01-01T00:00:00Z') };

/** A file root with an `exports` folder, and the account context that reads it. */
function setup(): { root: string; folder: string; context: ConnectionContext } {
  const root = makeTempDir();
  const folder = path.join(root, 'exports');
  fs.mkdirSync(folder);
  return { root, folder, context: { params: { folder: 'exports' }, fileRoots: [root] } };
}

async function readAll(
  context: ConnectionContext,
  source: SourceDescriptor,
  window = ALL_TIME,
): Promise<{ records: SourceRecord[]; rowErrors: SourceRowError[]; objects: string[]; bytes: number }> {
  const stream = await connector.read(context, { source, window });
  const records: SourceRecord[] = [];
  const rowErrors: SourceRowError[] = [];
  let bytes = 0;
  for await (const batch of stream.batches) {
    if ('rowErrors' in batch) rowErrors.push(...batch.rowErrors);
    else {
      records.push(...batch.records);
      bytes += batch.bytesRead;
    }
  }
  await stream.close();
  return { records, rowErrors, objects: stream.plan.objects.map((object) => object.name), bytes };
}

const delimited = (pathPattern: string, properties: Record<string, unknown> = {}): SourceDescriptor => ({
  data: { format: 'delimited', properties },
  params: { path: pathPattern },
});

describe('local-files connector', () => {
  test('BOM stripped from the first column', async () => {
    const { folder, context } = setup();
    fs.writeFileSync(path.join(folder, 'bom.csv'), '\uFEFFid,name\n1,a\n');
    const { records } = await readAll(context, delimited('bom.csv'));
    assert.deepEqual(records, [{ id: '1', name: 'a' }]);
  });

  test('windows-1252 decodes é and É', async () => {
    const { folder, context } = setup();
    fs.writeFileSync(path.join(folder, 'latin.csv'), iconv.encode('ville;nom\nÉvry;Hélène\n', 'windows-1252'));
    const preview = await connector.explore(context, { object: 'latin.csv' });
    assert.equal(preview.preview?.detected?.encoding, 'windows-1252');
    const { records } = await readAll(
      context,
      delimited('latin.csv', { encoding: 'windows-1252', columnDelimiter: ';' }),
    );
    assert.deepEqual(records, [{ ville: 'Évry', nom: 'Hélène' }]);
  });

  test('semicolons, decimal commas and quoted newlines', async () => {
    const { folder, context } = setup();
    const text = 'code;amount;note\r\n01001;1 234,56;"line one\r\nline two"\r\n2A004;12,5;"say ""hi"""\r\n';
    fs.writeFileSync(path.join(folder, 'orders.csv'), text);

    const explored = await connector.explore(context, { object: 'orders.csv' });
    assert.equal(explored.preview?.detected?.columnDelimiter, ';');
    assert.equal(explored.preview?.detected?.header, true);
    assert.deepEqual(
      explored.preview?.columns.map((column) => [column.name, column.type]),
      [
        ['code', 'string'],
        ['amount', 'number'],
        ['note', 'string'],
      ],
    );
    assert.deepEqual(explored.preview?.detected?.columns, { amount: { decimalSeparator: ',' } });

    const { records, bytes } = await readAll(context, delimited('orders.csv', { columnDelimiter: ';', header: true }));
    assert.deepEqual(records, [
      { code: '01001', amount: '1 234,56', note: 'line one\r\nline two' },
      { code: '2A004', amount: '12,5', note: 'say "hi"' },
    ]);
    assert.equal(bytes, Buffer.byteLength(text));
  });

  test('mtime at windowStart read, at windowEnd not', async () => {
    const { folder, context } = setup();
    const window = { startMs: Date.parse('2026-12-04T09:00:00Z'), endMs: Date.parse('2026-12-04T10:00:00Z') };
    for (const [name, mtimeMs] of [
      ['start.csv', window.startMs],
      ['end.csv', window.endMs],
      ['last.csv', window.endMs - 1],
    ] as const) {
      fs.writeFileSync(path.join(folder, name), `file\n${name}\n`);
      fs.utimesSync(path.join(folder, name), mtimeMs / 1000, mtimeMs / 1000);
    }
    const { records, objects } = await readAll(context, delimited('*.csv'), window);
    assert.deepEqual(objects, ['start.csv', 'last.csv']);
    assert.deepEqual(records, [{ file: 'start.csv' }, { file: 'last.csv' }]);
  });

  test('.. leaving the root rejected', async () => {
    const { context } = setup();
    await assert.rejects(readAll(context, delimited('../../outside.csv')), (error: ConnectorError) => {
      assert.equal(error.code, 'PATH_OUTSIDE_ROOTS');
      return true;
    });
    await assert.rejects(
      connector.check({ ...context, params: { folder: '../..' } }),
      (error: ConnectorError) => error.code === 'PATH_OUTSIDE_ROOTS',
    );
  });

  test('symlink leaving the root rejected', async () => {
    const { folder, context } = setup();
    const outside = makeTempDir();
    fs.writeFileSync(path.join(outside, 'secret.csv'), 'a\n1\n');
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(folder, 'link.csv'));
    await assert.rejects(connector.validateSource(context, delimited('link.csv')), (error: ConnectorError) => {
      assert.equal(error.code, 'PATH_OUTSIDE_ROOTS');
      return true;
    });
    const warnings: unknown[] = [];
    const logger = { warn: (fields: unknown) => warnings.push(fields), debug: () => {} };
    const listed = await connector.explore({ ...context, logger } as ConnectionContext, {});
    assert.deepEqual(listed.items, []);
    assert.deepEqual(warnings, [{ path: 'link.csv', target: path.join(fs.realpathSync(outside), 'secret.csv') }]);
  });

  test('gzip by extension and by magic bytes', async () => {
    const { folder, context } = setup();
    fs.writeFileSync(path.join(folder, 'a.csv.gz'), gzipSync('id\n1\n'));
    fs.writeFileSync(path.join(folder, 'b.csv'), gzipSync('id\n2\n'));
    const { records } = await readAll(context, { data: { format: 'delimited' }, params: { path: '' } });
    assert.deepEqual(
      records.map((record) => record.id),
      ['1', '2'],
    );
  });

  test('corrupt gzip fails the read', async () => {
    const { folder, context } = setup();
    const zipped = gzipSync('id\n1\n'.repeat(1000));
    fs.writeFileSync(path.join(folder, 'broken.csv.gz'), zipped.subarray(0, zipped.length / 2));
    await assert.rejects(readAll(context, delimited('broken.csv.gz')), (error: ConnectorError) => {
      assert.equal(error.code, 'SOURCE_READ_FAILED');
      assert.equal(error.transient, false);
      assert.match(error.message, /broken\.csv\.gz/);
      return true;
    });
  });

  test('NDJSON with a bad line', async () => {
    const { folder, context } = setup();
    fs.writeFileSync(path.join(folder, 'events.ndjson'), '{"id":1,"tags":["a"]}\r\n\nnot json\n{"id":2}');
    const { records, rowErrors } = await readAll(context, {
      data: { format: 'ndjson' },
      params: { path: 'events.ndjson' },
    });
    assert.deepEqual(records, [{ id: 1, tags: ['a'] }, { id: 2 }]);
    assert.deepEqual(
      rowErrors.map((error) => [error.rowNumber, error.code, error.rawValue]),
      [[2, 'MALFORMED_ROW', 'not json']],
    );
  });

  test('JSON array in small batches', async () => {
    const { folder, context } = setup();
    const rows = Array.from({ length: 7 }, (_, index) => ({ id: index, text: `a,]"}{[${index}` }));
    fs.writeFileSync(path.join(folder, 'rows.json'), JSON.stringify(rows, null, 2));
    const stream = await connector.read(context, {
      source: { data: { format: 'json' }, params: { path: 'rows.json' } },
      window: ALL_TIME,
      batchSize: 3,
    });
    const batches = [];
    for await (const batch of stream.batches) if ('records' in batch) batches.push(batch);
    await stream.close();
    assert.deepEqual(
      batches.map((batch) => [batch.firstRowNumber, batch.records.length]),
      [
        [1, 3],
        [4, 3],
        [7, 1],
      ],
    );
    assert.deepEqual(
      batches.flatMap((batch) => batch.records),
      rows,
    );
  });

  test('JSON array across read chunks', async () => {
    const { folder, context } = setup();
    const rows = Array.from({ length: 20_000 }, (_, index) => ({
      id: index,
      text: `\\"]},{[${'x'.repeat(index % 50)}`,
    }));
    fs.writeFileSync(path.join(folder, 'large.json'), JSON.stringify(rows));
    const { records, rowErrors } = await readAll(context, { data: { format: 'json' }, params: { path: 'large.json' } });
    assert.equal(rowErrors.length, 0);
    assert.equal(records.length, rows.length);
    assert.deepEqual(records.at(-1), rows.at(-1));
  });

  test('Parquet', async () => {
    const { folder, context } = setup();
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'code', data: ['01001', '2A004'], type: 'STRING' },
        { name: 'amount', data: [1.5, 2.25], type: 'DOUBLE' },
        { name: 'count', data: [1n, 2n], type: 'INT64' },
      ],
    });
    fs.writeFileSync(path.join(folder, 'data.parquet'), Buffer.from(buffer));
    const { records } = await readAll(context, { data: { format: 'parquet' }, params: { path: 'data.parquet' } });
    assert.deepEqual(records, [
      { code: '01001', amount: 1.5, count: 1 },
      { code: '2A004', amount: 2.25, count: 2 },
    ]);
    const explored = await connector.explore(context, { object: 'data.parquet' });
    assert.deepEqual(
      explored.preview?.columns.map((column) => column.type),
      ['string', 'number', 'integer'],
    );
  });

  test('glob and recursive folders', async () => {
    const { folder, context } = setup();
    fs.mkdirSync(path.join(folder, 'orders', '2026', '12'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'orders', 'a.csv'), 'f\na\n');
    fs.writeFileSync(path.join(folder, 'orders', 'skip.txt'), 'f\nx\n');
    fs.writeFileSync(path.join(folder, 'orders', '2026', '12', 'b.csv'), 'f\nb\n');
    const names = async (params: Record<string, unknown>) =>
      (await readAll(context, { data: { format: 'delimited' }, params })).objects.sort();

    assert.deepEqual(await names({ path: 'orders/*.csv' }), ['orders/a.csv']);
    assert.deepEqual(await names({ path: 'orders/*.csv', recursive: true }), ['orders/2026/12/b.csv', 'orders/a.csv']);
    assert.deepEqual(await names({ path: 'orders/**/*.csv' }), ['orders/2026/12/b.csv', 'orders/a.csv']);
    assert.deepEqual(await names({ path: 'orders', recursive: true }), [
      'orders/2026/12/b.csv',
      'orders/a.csv',
      'orders/skip.txt',
    ]);
  });

  test('missing path is a permanent error', async () => {
    const { context } = setup();
    await assert.rejects(connector.validateSource(context, delimited('nope/*.csv')), (error: ConnectorError) => {
      assert.equal(error.code, 'SOURCE_NOT_FOUND');
      assert.equal(error.transient, false);
      return true;
    });
  });

  test('inference looks beyond the first rows', async () => {
    const { folder, context } = setup();
    const rows = Array.from({ length: 300 }, (_, index) => `${10000 + index};${index},5`);
    fs.writeFileSync(path.join(folder, 'codes.csv'), ['code;ratio', ...rows, '2A004;1,5', ''].join('\n'));
    const explored = await connector.explore(context, { object: 'codes.csv', previewRows: 5 });
    assert.equal(explored.preview?.rows.length, 5);
    assert.deepEqual(
      explored.preview?.columns.map((column) => [column.name, column.type]),
      [
        ['code', 'string'],
        ['ratio', 'number'],
      ],
    );
  });

  test('inference samples the end of a large file', async () => {
    const { folder, context } = setup();
    const rows = Array.from({ length: 100_000 }, (_, index) => `${10000 + (index % 80000)};${index}`);
    rows.push('2A004;100000');
    fs.writeFileSync(path.join(folder, 'large.csv'), ['code;n', ...rows, ''].join('\n'));
    const explored = await connector.explore(context, { object: 'large.csv' });
    assert.ok(Number(explored.preview?.detected?.sampledRows) > 1000);
    assert.deepEqual(
      explored.preview?.columns.map((column) => [column.name, column.type]),
      [
        ['code', 'string'],
        ['n', 'integer'],
      ],
    );
  });

  test('close after the first batch', async () => {
    const { folder, context } = setup();
    const file = path.join(folder, 'many.csv');
    fs.writeFileSync(file, ['n', ...Array.from({ length: 100 }, (_, index) => String(index)), ''].join('\n'));
    const stream = await connector.read(context, { source: delimited('many.csv'), window: ALL_TIME, batchSize: 10 });
    const first = await stream.batches[Symbol.asyncIterator]().next();
    assert.equal(first.done, false);
    await stream.close();
    await waitFor(() => !openDescriptors().includes(fs.realpathSync(file)), { message: 'the file to be closed' });
  });

  test('malformed rows become row errors in place', async () => {
    const { folder, context } = setup();
    fs.writeFileSync(path.join(folder, 'bad.csv'), 'a,b\n1,2\n3\n4,5\n"6,7\n');
    const { records, rowErrors } = await readAll(context, delimited('bad.csv'));
    assert.deepEqual(records, [
      { a: '1', b: '2' },
      { a: '4', b: '5' },
    ]);
    assert.deepEqual(
      rowErrors.map((error) => [error.rowNumber, error.code, error.rawValue]),
      [
        [2, 'COLUMN_COUNT_MISMATCH', '3'],
        [4, 'MALFORMED_ROW', ''],
      ],
    );
  });
});
