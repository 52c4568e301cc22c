import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectorRegistry, getConnector, listConnectionSpecs } from '../../src/connectors/registry.ts';

describe('connector registry', () => {
  test('lists the five specs', () => {
    assert.deepEqual(
      listConnectionSpecs()
        .map((spec) => spec.id)
        .sort(),
      ['local-files', 'mysql', 'postgres', 'sftp', 'sqlite'],
    );
    assert.equal(getConnector('postgres'), connectorRegistry.get('postgres'));
    assert.equal(getConnector('oracle'), undefined);
  });

  test('secret params are write-only', () => {
    for (const spec of listConnectionSpecs()) {
      const properties = (spec.authSpec.properties ?? {}) as Record<string, { writeOnly?: boolean }>;
      const writeOnly = Object.entries(properties)
        .filter(([, schema]) => schema.writeOnly === true)
        .map(([name]) => name);
      assert.deepEqual(writeOnly.sort(), [...spec.secretParams].sort(), spec.id);
    }
    assert.deepEqual(getConnector('sftp')?.spec.secretParams, ['password', 'privateKey', 'passphrase']);
  });
});
