import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRunId } from '../../src/store/runs/run-id.ts';

test('run ids are UUID v7', () => {
  assert.match(newRunId(), /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('run ids sort in creation order', () => {
  const now = Date.parse('2026-12-04T10:00:00Z');
  const ids = Array.from({ length: 10_000 }, (_, index) => newRunId(now + Math.floor(index / 5000)));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

test('run ids keep order when the clock goes back', () => {
  const first = newRunId(Date.parse('2026-12-04T11:00:00Z'));
  const second = newRunId(Date.parse('2026-12-04T10:59:59Z'));
  assert.ok(second > first);
});
