import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromLocalInput, toLocalInput } from '../../web/src/time.ts';

describe('web date-time inputs', () => {
  const cases: [input: string, zone: string, expected: string][] = [
    ['2026-12-04T10:00:00', 'Europe/Paris', '2026-12-04T10:00:00+01:00'],
    ['2026-12-04T10:00', 'UTC', '2026-12-04T10:00:00+00:00'],
    // Chromium drops zero seconds from a value typed in a datetime-local input.
    ['2026-12-04T20:00', 'Europe/Paris', '2026-12-04T20:00:00+01:00'],
    ['2026-12-04T00:00:00', 'Asia/Kolkata', '2026-12-04T00:00:00+05:30'],
    ['2026-07-01T00:00:00', 'America/New_York', '2026-07-01T00:00:00-04:00'],
    // Skipped by the spring change: the wall time moves forward by the gap.
    ['2026-03-29T02:30:00', 'Europe/Paris', '2026-03-29T03:30:00+02:00'],
    ['2026-03-08T02:30:00', 'America/New_York', '2026-03-08T03:30:00-04:00'],
    // Repeated by the autumn change: the earlier instant.
    ['2026-10-25T02:30:00', 'Europe/Paris', '2026-10-25T02:30:00+02:00'],
    ['2026-11-01T01:30:00', 'America/New_York', '2026-11-01T01:30:00-04:00'],
  ];

  test('wall time to ISO with offset', () => {
    for (const [input, zone, expected] of cases) {
      assert.equal(fromLocalInput(input, zone), expected, `${input} in ${zone}`);
    }
  });

  test('instant to wall time', () => {
    assert.equal(toLocalInput('2026-12-04T09:00:00Z', 'Europe/Paris'), '2026-12-04T10:00:00');
    assert.equal(toLocalInput('2026-10-25T01:30:00Z', 'Europe/Paris'), '2026-10-25T02:30:00');
    assert.equal(toLocalInput('2026-12-03T18:30:00Z', 'Asia/Kolkata'), '2026-12-04T00:00:00');
    assert.equal(toLocalInput(null, 'UTC'), '');
  });

  test('malformed input', () => {
    assert.equal(fromLocalInput('', 'UTC'), null);
    assert.equal(fromLocalInput('04/12/2026 10:00', 'UTC'), null);
  });
});
