import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateDatasetSchema } from '../../src/datasets/schema.ts';

function problems(schema: unknown, primaryKey?: unknown): string[] {
  try {
    validateDatasetSchema(schema, primaryKey);
    return [];
  } catch (error) {
    assert.equal((error as { code: string }).code, 'INVALID_DATASET_SCHEMA');
    return (error as { errors: { path: string; message: string }[] }).errors.map(
      (item) => `${item.path}: ${item.message}`,
    );
  }
}

describe('validateDatasetSchema', () => {
  test('accepts the orders example', () => {
    const schema = {
      fields: [
        { name: 'orderId', type: 'string', required: true },
        { name: 'amount', type: 'number' },
        { name: 'orderedAt', type: 'datetime' },
      ],
    };
    assert.deepEqual(problems(schema, ['orderId']), []);
    assert.deepEqual(problems(schema), []);
  });

  test('rejects bad names and types', () => {
    const found = problems({
      fields: [
        { name: '_batch_id', type: 'string' },
        { name: 'amount', type: 'money' },
        { name: 'Amount', type: 'number' },
        { name: 'x'.repeat(64), type: 'string' },
        { name: 'ok', type: 'string', required: 'yes' },
      ],
    });
    assert.equal(found.length, 5);
    assert.match(found[0]!, /^schema\.fields\[0\]\.name: .*"_batch_id" is invalid; start with a letter/);
    assert.match(found[1]!, /^schema\.fields\[1\]\.type: .*"money" is not a field type; use one of string, integer/);
    assert.match(found[2]!, /'Amount' repeats the field 'amount'/);
    assert.match(found[3]!, /at most 63 characters/);
    assert.match(found[4]!, /required "yes" must be true or false/);
  });

  test('rejects empty field lists', () => {
    assert.match(problems({ fields: [] })[0]!, /non-empty array/);
    assert.match(problems(null)[0]!, /non-empty array/);
  });

  test('checks the primary key', () => {
    const schema = {
      fields: [
        { name: 'id', type: 'string', required: true },
        { name: 'optional', type: 'string' },
        { name: 'payload', type: 'json', required: true },
      ],
    };
    const found = problems(schema, ['id', 'id', 'missing', 'optional', 'payload']);
    assert.deepEqual(
      found.map((item) => item.split(':')[0]),
      ['primaryKey[1]', 'primaryKey[2]', 'primaryKey[3]', 'primaryKey[4]'],
    );
    assert.match(found[0]!, /appears twice/);
    assert.match(found[1]!, /"missing" is not a field/);
    assert.match(found[2]!, /set "required": true/);
    assert.match(found[3]!, /type json, which cannot be a key/);
    assert.match(problems(schema, [])[0]!, /non-empty array of field names/);
  });
});
