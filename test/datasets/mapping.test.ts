import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { RecordBatch, SourceRecord } from '../../src/connectors/types.ts';
import { createMapper, validateMapping } from '../../src/datasets/mapping.ts';
import { proposeMapping } from '../../src/datasets/propose-mapping.ts';
import { exceedsErrorThreshold } from '../../src/datasets/threshold.ts';
import type { DatasetSchema, MappingRule, Warehouse } from '../../src/datasets/types.ts';
import { datasetOf, warehouseBackends } from './warehouses.ts';

const ordersSchema: DatasetSchema = {
  fields: [
    { name: 'orderId', type: 'string', required: true },
    { name: 'amount', type: 'number' },
    { name: 'orderedAt', type: 'datetime' },
  ],
};

const ordersMapping: MappingRule[] = [
  { source: 'order_id', destination: 'orderId' },
  { source: 'amount', destination: 'amount', decimalSeparator: ',' },
  { source: 'ordered_at', destination: 'orderedAt', format: 'dd/MM/yyyy HH:mm', timezone: 'Europe/Paris' },
];

function batchOf(records: SourceRecord[], firstRowNumber = 1): RecordBatch {
  return { records, origin: 'exports/orders.csv', firstRowNumber, bytesRead: 0 };
}

function mapOne(schema: DatasetSchema, rule: Omit<MappingRule, 'source'>, raw: unknown) {
  const mapper = createMapper({ schema, mapping: [{ source: 'value', ...rule }] });
  return mapper.map(batchOf([{ value: raw }]));
}

describe('mapper', () => {
  test('decimal comma and Paris time', () => {
    const mapper = createMapper({ schema: ordersSchema, mapping: ordersMapping });
    const { rows, errors } = mapper.map(
      batchOf([
        { order_id: ' A-1 ', amount: '1 234,56', ordered_at: '04/12/2026 10:00' },
        { order_id: 'A-2', amount: '1\u00a0234,5', ordered_at: '01/07/2026 10:00' },
        { order_id: 'A-3', amount: '1\u202f000\u202f000', ordered_at: '' },
      ]),
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(rows, [
      { orderId: 'A-1', amount: 1234.56, orderedAt: Date.UTC(2026, 11, 4, 9) },
      { orderId: 'A-2', amount: 1234.5, orderedAt: Date.UTC(2026, 6, 1, 8) },
      { orderId: 'A-3', amount: 1_000_000, orderedAt: null },
    ]);
  });

  test('bad rows become row errors', () => {
    const mapper = createMapper({ schema: ordersSchema, mapping: ordersMapping });
    const longValue = 'x'.repeat(300);
    const result = mapper.map(
      batchOf(
        [
          { order_id: 'A-1', amount: '12.5', ordered_at: '04/12/2026 10:00' },
          { order_id: '', amount: '3', ordered_at: '2026-12-04' },
          { order_id: 'A-3', amount: longValue, ordered_at: '04/12/2026 10:00' },
          { order_id: 'A-4', amount: '7,5', ordered_at: '04/12/2026 10:00' },
        ],
        10,
      ),
    );

    assert.deepEqual(result.rows, [{ orderId: 'A-4', amount: 7.5, orderedAt: Date.UTC(2026, 11, 4, 9) }]);
    assert.equal(result.failedCount, 3);
    assert.deepEqual(
      result.errors.map(({ rowNumber, field, code, rawValue }) => ({ rowNumber, field, code, rawValue })),
      [
        { rowNumber: 10, field: 'amount', code: 'INVALID_NUMBER', rawValue: '12.5' },
        { rowNumber: 11, field: 'orderId', code: 'MISSING_REQUIRED', rawValue: '' },
        { rowNumber: 11, field: 'orderedAt', code: 'INVALID_DATETIME', rawValue: '2026-12-04' },
        { rowNumber: 12, field: 'amount', code: 'INVALID_NUMBER', rawValue: 'x'.repeat(200) },
      ],
    );
    assert.equal(result.errors[0]?.origin, 'exports/orders.csv');
    assert.match(result.errors[0]?.message ?? '', /Field 'amount' expects a number with a decimal comma/);
    assert.match(result.errors[2]?.message ?? '', /dd\/MM\/yyyy HH:mm.*'2026-12-04'/);
  });

  test('conversions per field type', () => {
    const cases: [
      DatasetSchema['fields'][number]['type'],
      Omit<MappingRule, 'source' | 'destination'>,
      unknown,
      unknown,
    ][] = [
      ['integer', {}, '42', 42],
      ['integer', {}, 7, 7],
      ['integer', { decimalSeparator: ',' }, '1.234', 1234],
      ['number', {}, '-1 234.5', -1234.5],
      ['number', {}, '1e3', 1000],
      ['boolean', {}, 'Oui', true],
      ['boolean', {}, 'no', false],
      ['boolean', {}, '1', true],
      ['boolean', {}, 0, false],
      ['date', {}, '2026-12-04', '2026-12-04'],
      ['date', { format: 'dd/MM/yyyy' }, '04/12/2026', '2026-12-04'],
      ['date', {}, new Date(Date.UTC(2026, 11, 4)), '2026-12-04'],
      ['datetime', {}, '2026-12-04T10:00:00+01:00', Date.UTC(2026, 11, 4, 9)],
      ['datetime', {}, '2026-12-04 09:00:00.5Z', Date.UTC(2026, 11, 4, 9, 0, 0, 500)],
      ['datetime', { timezone: 'Europe/Paris' }, '2026-12-04 10:00:00', Date.UTC(2026, 11, 4, 9)],
      ['datetime', { format: 'yyyy-MM-dd HH:mm:ss' }, '2026-12-04 09:00:00', Date.UTC(2026, 11, 4, 9)],
      // The DST gap moves forward; the DST overlap takes the earlier instant.
      ['datetime', { timezone: 'Europe/Paris' }, '2026-03-29 02:30', Date.UTC(2026, 2, 29, 1, 30)],
      ['datetime', { timezone: 'Europe/Paris' }, '2026-10-25 02:30', Date.UTC(2026, 9, 25, 0, 30)],
      [
        'datetime',
        { timezone: 'America/New_York', format: 'M/d/yyyy H:mm' },
        '7/4/2026 9:05',
        Date.UTC(2026, 6, 4, 13, 5),
      ],
      ['datetime', { format: 'epoch' }, '1796374800', 1_796_374_800_000],
      ['datetime', {}, 1_796_374_800, 1_796_374_800_000],
      ['datetime', { format: "yyyy-MM-dd'T'HH:mmXXX" }, '2026-12-04T10:00+01:00', Date.UTC(2026, 11, 4, 9)],
      ['json', {}, '{"a":[1,2]}', { a: [1, 2] }],
      ['string', { trim: false }, '  padded ', '  padded '],
      ['string', {}, 12.5, '12.5'],
    ];
    for (const [type, rule, raw, expected] of cases) {
      const { rows, errors } = mapOne({ fields: [{ name: 'value', type }] }, { destination: 'value', ...rule }, raw);
      assert.deepEqual(errors, [], `${type} ${JSON.stringify(raw)}`);
      assert.deepEqual(rows[0]?.value, expected, `${type} ${JSON.stringify(raw)}`);
    }
  });

  test('invalid values per field type', () => {
    const cases: [
      DatasetSchema['fields'][number]['type'],
      Omit<MappingRule, 'source' | 'destination'>,
      unknown,
      string,
    ][] = [
      ['integer', {}, '1.5', 'INVALID_INTEGER'],
      ['integer', {}, '9007199254740993', 'INVALID_INTEGER'],
      ['number', {}, '1,5', 'INVALID_NUMBER'],
      ['number', { decimalSeparator: ',' }, '1.5', 'INVALID_NUMBER'],
      ['number', {}, 'abc', 'INVALID_NUMBER'],
      ['boolean', {}, 'maybe', 'INVALID_BOOLEAN'],
      ['date', {}, '2026-02-30', 'INVALID_DATE'],
      ['date', { format: 'dd/MM/yyyy' }, '2026-12-04', 'INVALID_DATE'],
      ['datetime', {}, 'yesterday', 'INVALID_DATETIME'],
      ['datetime', { format: 'epoch' }, '12:00', 'INVALID_DATETIME'],
      ['json', {}, '{not json', 'INVALID_JSON'],
    ];
    for (const [type, rule, raw, code] of cases) {
      const { rows, errors } = mapOne({ fields: [{ name: 'value', type }] }, { destination: 'value', ...rule }, raw);
      assert.deepEqual(rows, [], `${type} ${JSON.stringify(raw)}`);
      assert.equal(errors[0]?.code, code, `${type} ${JSON.stringify(raw)}`);
    }
  });

  test('unmapped fields are null', () => {
    const mapper = createMapper({ schema: ordersSchema, mapping: [{ source: 'order_id', destination: 'orderId' }] });
    assert.deepEqual(mapper.map(batchOf([{ order_id: 'A-1' }])).rows, [
      { orderId: 'A-1', amount: null, orderedAt: null },
    ]);
  });

  test('error threshold from mapped rows', () => {
    const mapper = createMapper({ schema: ordersSchema, mapping: ordersMapping });
    const records = (bad: number) =>
      Array.from({ length: 100 }, (_, index) => ({
        order_id: `A-${index}`,
        amount: index < bad ? 'n/a' : '1,5',
        ordered_at: '',
      }));

    const threePercent = mapper.map(batchOf(records(3)));
    assert.equal(threePercent.failedCount, 3);
    assert.equal(exceedsErrorThreshold({ failed: threePercent.failedCount, input: 100, thresholdPercent: 5 }), false);
    assert.equal(exceedsErrorThreshold({ failed: threePercent.failedCount, input: 100 }), false);

    const tenPercent = mapper.map(batchOf(records(10)));
    assert.equal(exceedsErrorThreshold({ failed: tenPercent.failedCount, input: 100, thresholdPercent: 5 }), true);

    const oneBad = mapper.map(batchOf(records(1)));
    assert.equal(exceedsErrorThreshold({ failed: oneBad.failedCount, input: 100, thresholdPercent: 0 }), true);
    assert.equal(exceedsErrorThreshold({ failed: 0, input: 100, thresholdPercent: 0 }), false);
    assert.equal(exceedsErrorThreshold({ failed: 5, input: 100, thresholdPercent: 5 }), false);
  });
});

describe('validateMapping', () => {
  test('rejects rules that do not fit', () => {
    const bad = [
      { source: 'order_id', destination: 'orderNumber' },
      { source: 'amount', destination: 'amount', format: 'dd/MM/yyyy' },
      { source: 'ordered_at', destination: 'orderedAt', format: 'dd/QQ/yyyy', timezone: 'Mars/Olympus' },
    ];
    assert.throws(
      () => validateMapping(bad, ordersSchema, ['order_id', 'amount', 'ordered_at']),
      (error: { code: string; errors: { path: string; message: string }[] }) => {
        assert.equal(error.code, 'INVALID_MAPPING');
        assert.deepEqual(
          error.errors.map((item) => item.path),
          ['mapping[0].destination', 'mapping[1].format', 'mapping[2].format', 'mapping[2].timezone', 'mapping'],
        );
        assert.match(error.errors[0]!.message, /"orderNumber" is not a field of the dataset; use one of 'orderId'/);
        assert.match(error.errors[4]!.message, /required field 'orderId' has no mapping rule/);
        return true;
      },
    );
  });

  test('rejects unknown source columns', () => {
    assert.throws(() => validateMapping(ordersMapping, ordersSchema, ['order_id', 'amount']), {
      code: 'INVALID_MAPPING',
      message: /'ordered_at' is not a column of the source/,
    });
    assert.doesNotThrow(() => validateMapping(ordersMapping, ordersSchema, ['order_id', 'amount', 'ordered_at']));
  });
});

describe('proposeMapping', () => {
  test('camelCase names and carried options', () => {
    const proposal = proposeMapping([
      { name: 'order_id', type: 'string' },
      { name: 'Montant TTC', type: 'number', decimalSeparator: ',' },
      { name: 'Date de création', type: 'datetime', format: 'dd/MM/yyyy HH:mm' },
      { name: 'orderID', type: 'integer' },
      { name: '2nd value', type: 'boolean' },
      { name: '***', type: 'json' },
    ]);
    assert.deepEqual(proposal.schema.fields, [
      { name: 'orderId', type: 'string' },
      { name: 'montantTtc', type: 'number' },
      { name: 'dateDeCreation', type: 'datetime' },
      { name: 'orderId2', type: 'integer' },
      { name: 'field2ndValue', type: 'boolean' },
      { name: 'field6', type: 'json' },
    ]);
    assert.deepEqual(proposal.mapping[1], { source: 'Montant TTC', destination: 'montantTtc', decimalSeparator: ',' });
    assert.deepEqual(proposal.mapping[2], {
      source: 'Date de création',
      destination: 'dateDeCreation',
      format: 'dd/MM/yyyy HH:mm',
    });
    assert.doesNotThrow(() => validateMapping(proposal.mapping, proposal.schema));
  });
});

// Mapped values stored and read back through each warehouse come out in API form.
const skips = await Promise.all(warehouseBackends.map((backend) => backend.skip()));

for (const [index, backend] of warehouseBackends.entries()) {
  describe(`mapped rows on ${backend.name}`, { skip: skips[index] }, () => {
    let warehouse: Warehouse;

    beforeEach(async () => {
      warehouse = await backend.open();
    });

    afterEach(async () => {
      await warehouse.close();
    });

    test('mapped values read back', async () => {
      const dataset = datasetOf(ordersSchema);
      const mapper = createMapper({ schema: ordersSchema, mapping: ordersMapping });
      const { rows } = mapper.map(batchOf([{ order_id: 'A-1', amount: '1 234,56', ordered_at: '04/12/2026 10:00' }]));

      const writer = await warehouse.openBatch(dataset, 'run-1');
      await writer.write(rows);
      await writer.commit({ supersedesBatchIds: [] });

      const page = await warehouse.readRows(dataset, { limit: 10, offset: 0 });
      assert.deepEqual(page.items, [{ orderId: 'A-1', amount: 1234.56, orderedAt: '2026-12-04T09:00:00Z' }]);
    });
  });
}
