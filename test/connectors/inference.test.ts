import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inferColumn } from '../../src/connectors/inference.ts';
import { wallClock } from '../../src/connectors/sql/wall-clock.ts';

describe('type inference', () => {
  test('codes stay strings', () => {
    assert.equal(inferColumn('insee', ['01001', '2A004', '75056']).type, 'string');
    assert.equal(inferColumn('phone', ['0612345678', '0698765432']).type, 'string');
  });

  test('numeric for 200 rows then 2A004', () => {
    const values = [...Array.from({ length: 200 }, (_, index) => String(10000 + index)), '2A004'];
    assert.equal(inferColumn('code', values).type, 'string');
    assert.equal(inferColumn('code', values.slice(0, 200)).type, 'integer');
  });

  test('decimal comma', () => {
    assert.deepEqual(inferColumn('amount', ['1 234,56', '12,5', '', '7']), {
      name: 'amount',
      type: 'number',
      decimalSeparator: ',',
    });
    assert.deepEqual(inferColumn('amount', ['1234.56', '-0.5', '3']), {
      name: 'amount',
      type: 'number',
      decimalSeparator: '.',
    });
    assert.equal(inferColumn('amount', ['1,5', '1.5']).type, 'string');
  });

  test('dd/MM/yyyy dates', () => {
    assert.deepEqual(inferColumn('day', ['04/12/2026', '25/12/2026']), {
      name: 'day',
      type: 'date',
      format: 'dd/MM/yyyy',
    });
    assert.deepEqual(inferColumn('day', ['04/12/2026']), { name: 'day', type: 'date', format: 'dd/MM/yyyy' });
    assert.deepEqual(inferColumn('at', ['04/12/2026 09:30', '31/12/2026 23:59']), {
      name: 'at',
      type: 'datetime',
      format: 'dd/MM/yyyy HH:mm',
    });
    assert.equal(inferColumn('day', ['31/02/2026']).type, 'string');
  });

  test('ISO dates, datetimes and booleans', () => {
    assert.deepEqual(inferColumn('day', ['2026-12-04', '2026-12-05']), {
      name: 'day',
      type: 'date',
      format: 'yyyy-MM-dd',
    });
    assert.deepEqual(inferColumn('at', ['2026-12-04 10:00:00', '2026-12-04 11:30:00']), {
      name: 'at',
      type: 'datetime',
      format: 'yyyy-MM-dd HH:mm:ss',
    });
    assert.deepEqual(inferColumn('at', ['2026-12-04T10:00:00Z', '2026-12-04T10:00:00+01:00']), {
      name: 'at',
      type: 'datetime',
      format: 'ISO',
    });
    assert.deepEqual(inferColumn('at', ['2026-12-04T10:00:00', '2026-12-04']), {
      name: 'at',
      type: 'datetime',
      format: 'ISO',
    });
    assert.equal(inferColumn('flag', ['true', 'FALSE']).type, 'boolean');
    assert.equal(inferColumn('empty', ['', '']).type, 'string');
  });

  test('long digit strings stay strings', () => {
    assert.equal(inferColumn('id', ['12345678901234567890']).type, 'string');
  });
});

describe('wall-clock bounds', () => {
  test('Paris in winter and summer', () => {
    assert.equal(wallClock(Date.parse('2026-12-04T09:00:00Z'), 'Europe/Paris'), '2026-12-04 10:00:00.000');
    assert.equal(wallClock(Date.parse('2026-07-01T09:00:00Z'), 'Europe/Paris'), '2026-07-01 11:00:00.000');
  });

  test('repeated hour stays at the first occurrence', () => {
    // On 2026-10-25 Paris goes from 03:00 back to 02:00 at 01:00Z; bounds never go backwards.
    const bounds = ['00:30', '01:00', '01:30', '02:00', '02:30'].map((time) =>
      wallClock(Date.parse(`2026-10-25T${time}:00Z`), 'Europe/Paris'),
    );
    assert.deepEqual(bounds, [
      '2026-10-25 02:30:00.000',
      '2026-10-25 03:00:00.000',
      '2026-10-25 03:00:00.000',
      '2026-10-25 03:00:00.000',
      '2026-10-25 03:30:00.000',
    ]);
  });
});
