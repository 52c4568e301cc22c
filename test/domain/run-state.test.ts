import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TributaryError } from '../../src/domain/errors.ts';
import { assertTransition, canTransition, runStatuses, terminalStatuses } from '../../src/domain/run-state.ts';
import { backoffDelayMs } from '../../src/domain/backoff.ts';

describe('run state', () => {
  test('allowed transitions', () => {
    assert.doesNotThrow(() => assertTransition('scheduled', 'inProgress', 'r'));
    assert.doesNotThrow(() => assertTransition('scheduled', 'cancelled', 'r'));
    assert.doesNotThrow(() => assertTransition('inProgress', 'success', 'r'));
    assert.doesNotThrow(() => assertTransition('inProgress', 'failed', 'r'));
    assert.doesNotThrow(() => assertTransition('inProgress', 'cancelled', 'r'));
    assert.equal(canTransition('scheduled', 'success'), false);
  });

  test('terminal states are final', () => {
    for (const from of terminalStatuses) {
      for (const to of runStatuses) {
        assert.throws(
          () => assertTransition(from, to, 'r'),
          (error: unknown) => error instanceof TributaryError && error.code === 'RUN_TERMINAL',
        );
      }
    }
  });
});

describe('backoff', () => {
  test('full jitter stays under the exponential ceiling', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    assert.equal(
      backoffDelayMs(1, options, () => 0.999),
      99,
    );
    assert.equal(
      backoffDelayMs(3, options, () => 0.5),
      200,
    );
    assert.equal(
      backoffDelayMs(10, options, () => 0.5),
      500,
    );
    assert.equal(
      backoffDelayMs(2, options, () => 0),
      0,
    );
  });
});
