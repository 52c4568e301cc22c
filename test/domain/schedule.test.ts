import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { TributaryError } from '../../src/domain/errors.ts';
import {
  nextWindows,
  parseScheduleParams,
  windowsAfter,
  windowsDueBetween,
  windowsFrom,
  type ScheduledWindow,
} from '../../src/domain/schedule.ts';

const ms = (iso: string) => Date.parse(iso);
const iso = (value: number) => new Date(value).toISOString().replace('.000Z', 'Z');
const local = (value: number, zone = 'Europe/Paris') =>
  Temporal.Instant.fromEpochMilliseconds(value).toZonedDateTimeISO(zone).toPlainDateTime().toString();

function take<T>(items: Iterable<T>, count: number): T[] {
  const taken: T[] = [];
  for (const item of items) {
    if (taken.length >= count) break;
    taken.push(item);
  }
  return taken;
}

function assertChained(windows: ScheduledWindow[]): void {
  for (let i = 1; i < windows.length; i += 1) {
    assert.equal(windows[i]!.startMs, windows[i - 1]!.endMs, `window ${i} starts where window ${i - 1} ends`);
  }
  for (const window of windows) {
    assert.ok(window.startMs < window.endMs);
    assert.equal(window.dueAt, window.endMs);
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TributaryError ? error.code : 'not a TributaryError';
  }
  return undefined;
}

describe('schedule', () => {
  test('hourly Europe/Paris chains across the spring change', () => {
    const schedule = parseScheduleParams({
      frequency: 'hour',
      interval: 1,
      startTime: '2026-03-28T00:00:00Z',
      timezone: 'Europe/Paris',
    });
    const windows = windowsDueBetween(schedule, ms('2026-03-28T22:00:00Z'), ms('2026-03-29T04:00:00Z'));
    assert.equal(windows.length, 6);
    assertChained(windows);
    assert.ok(windows.every((w) => w.endMs - w.startMs === 3_600_000));
    assert.equal(iso(windows[0]!.startMs), '2026-03-28T21:00:00Z');
  });

  test('hourly Europe/Paris chains across the autumn change', () => {
    const schedule = parseScheduleParams({
      frequency: 'hour',
      interval: 1,
      startTime: '2026-10-24T12:00:00+02:00',
      timezone: 'Europe/Paris',
    });
    const windows = windowsDueBetween(schedule, ms('2026-10-24T22:00:00Z'), ms('2026-10-25T04:00:00Z'));
    assert.equal(windows.length, 6);
    assertChained(windows);
    assert.ok(windows.every((w) => w.endMs - w.startMs === 3_600_000));
  });

  test('daily 02:30 Europe/Paris runs once on the spring change day', () => {
    const schedule = parseScheduleParams({
      frequency: 'day',
      interval: 1,
      startTime: '2026-03-20T02:30:00+01:00',
      timezone: 'Europe/Paris',
    });
    const day = windowsDueBetween(schedule, ms('2026-03-29T00:00:00+01:00'), ms('2026-03-30T00:00:00+02:00'));
    assert.deepEqual(
      day.map((w) => local(w.dueAt)),
      ['2026-03-29T03:00:00'],
    );
    const after = nextWindows(schedule, day[0]!.dueAt, 2);
    assert.deepEqual(
      after.map((w) => local(w.dueAt)),
      ['2026-03-30T02:30:00', '2026-03-31T02:30:00'],
    );
    assertChained([...day, ...after]);
  });

  test('daily 02:30 Europe/Paris runs once on the autumn change day', () => {
    const schedule = parseScheduleParams({
      frequency: 'day',
      interval: 1,
      startTime: '2026-10-20T02:30:00+02:00',
      timezone: 'Europe/Paris',
    });
    const day = windowsDueBetween(schedule, ms('2026-10-25T00:00:00+02:00'), ms('2026-10-26T00:00:00+01:00'));
    assert.equal(day.length, 1);
    assert.equal(iso(day[0]!.dueAt), '2026-10-25T00:30:00Z');
    const next = nextWindows(schedule, day[0]!.dueAt, 1);
    assert.equal(local(next[0]!.dueAt), '2026-10-26T02:30:00');
    assert.equal(next[0]!.endMs - next[0]!.startMs, 25 * 3_600_000);
  });

  test('cron 0 9-11 in Europe/Paris runs at 9, 10 and 11 local', () => {
    const schedule = parseScheduleParams({
      frequency: 'cron',
      cron: '0 9-11 * * *',
      startTime: '2026-03-27T00:00:00Z',
      timezone: 'Europe/Paris',
    });
    for (const [from, to] of [
      ['2026-03-28T00:00:00+01:00', '2026-03-29T00:00:00+01:00'],
      ['2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00'],
    ] as const) {
      const windows = windowsDueBetween(schedule, ms(from), ms(to));
      assert.deepEqual(
        windows.map((w) => local(w.dueAt).slice(11)),
        ['09:00:00', '10:00:00', '11:00:00'],
      );
    }
    assertChained(take(windowsAfter(schedule, null), 10));
  });

  test('weekly keeps its local time', () => {
    const schedule = parseScheduleParams({
      frequency: 'week',
      interval: 1,
      startTime: '2026-03-16T09:00:00+01:00',
      timezone: 'Europe/Paris',
    });
    const windows = nextWindows(schedule, ms('2026-03-16T08:00:00Z'), 3);
    assert.deepEqual(
      windows.map((w) => local(w.dueAt)),
      ['2026-03-23T09:00:00', '2026-03-30T09:00:00', '2026-04-06T09:00:00'],
    );
    assertChained(windows);
  });

  test('minute interval is a fixed duration', () => {
    const schedule = parseScheduleParams({ frequency: 'minute', interval: 15, startTime: '2026-01-01T00:00:00Z' });
    const windows = nextWindows(schedule, ms('2026-01-01T00:20:00Z'), 3);
    assert.deepEqual(
      windows.map((w) => iso(w.dueAt)),
      ['2026-01-01T00:30:00Z', '2026-01-01T00:45:00Z', '2026-01-01T01:00:00Z'],
    );
    assert.equal(iso(windows[0]!.startMs), '2026-01-01T00:15:00Z');
  });

  test('backfill adds a window from the epoch to the start time', () => {
    const schedule = parseScheduleParams({
      frequency: 'hour',
      interval: 1,
      startTime: '2026-01-01T00:00:00Z',
      backfill: true,
    });
    const [first, second] = take(windowsAfter(schedule, null), 2);
    assert.deepEqual(first, { startMs: 0, endMs: ms('2026-01-01T00:00:00Z'), dueAt: ms('2026-01-01T00:00:00Z') });
    assert.equal(second!.startMs, first!.endMs);
  });

  test('once with and without backfill', () => {
    const withBackfill = parseScheduleParams({ frequency: 'once', startTime: '2026-01-01T00:00:00Z', backfill: true });
    assert.deepEqual(
      [...windowsAfter(withBackfill, null)],
      [{ startMs: 0, endMs: ms('2026-01-01T00:00:00Z'), dueAt: ms('2026-01-01T00:00:00Z') }],
    );
    assert.deepEqual([...windowsAfter(withBackfill, ms('2026-01-01T00:00:00Z'))], []);
    const without = parseScheduleParams({ frequency: 'once', startTime: '2026-01-01T00:00:00Z', backfill: false });
    assert.deepEqual([...windowsAfter(without, null)], []);
  });

  test('endTime ends the schedule', () => {
    const schedule = parseScheduleParams({
      frequency: 'hour',
      interval: 1,
      startTime: '2026-01-01T00:00:00Z',
      endTime: '2026-01-01T03:00:00Z',
    });
    assert.deepEqual(
      [...windowsAfter(schedule, null)].map((w) => iso(w.dueAt)),
      ['2026-01-01T01:00:00Z', '2026-01-01T02:00:00Z', '2026-01-01T03:00:00Z'],
    );
  });

  test('a cursor off the grid chains to the next grid point', () => {
    const schedule = parseScheduleParams({ frequency: 'hour', interval: 1, startTime: '2026-01-01T00:00:00Z' });
    const [first] = take(windowsAfter(schedule, ms('2026-01-01T01:20:00Z')), 1);
    assert.deepEqual([iso(first!.startMs), iso(first!.endMs)], ['2026-01-01T01:20:00Z', '2026-01-01T02:00:00Z']);
  });

  test('validation codes', () => {
    const start = '2026-01-01T00:00:00Z';
    assert.equal(
      codeOf(() => parseScheduleParams({ frequency: 'yearly', startTime: start })),
      'INVALID_SCHEDULE',
    );
    assert.equal(
      codeOf(() => parseScheduleParams({ frequency: 'hour', startTime: start })),
      'INVALID_SCHEDULE',
    );
    assert.equal(
      codeOf(() => parseScheduleParams({ frequency: 'hour', interval: 0, startTime: start })),
      'INVALID_SCHEDULE',
    );
    assert.equal(
      codeOf(() => parseScheduleParams({ frequency: 'once', interval: 1, startTime: start })),
      'INVALID_SCHEDULE',
    );
    assert.equal(
      codeOf(() => parseScheduleParams({ frequency: 'cron', cron: '0 9 * *', startTime: start })),
      'INVALID_CRON',
    );
    assert.equal(
      codeOf(() => parseScheduleParams({ frequency: 'cron', cron: '0 99 * * *', startTime: start })),
      'INVALID_CRON',
    );
    assert.equal(
      codeOf(() =>
        parseScheduleParams({ frequency: 'day', interval: 1, startTime: start, timezone: 'Europe/Nowhere' }),
      ),
      'INVALID_TIMEZONE',
    );
    assert.equal(
      codeOf(() => parseScheduleParams({ frequency: 'day', interval: 1 })),
      'INVALID_SCHEDULE',
    );
    assert.equal(
      codeOf(() => parseScheduleParams({ frequency: 'day', interval: 1, startTime: '2026-01-01T00:00:00' })),
      'TIME_WITHOUT_OFFSET',
    );
    assert.equal(parseScheduleParams({ frequency: 'day', interval: 1, startTime: start }).timezone, 'UTC');
  });
});

describe('schedule backfill grid', () => {
  test('extends backwards before the start time', () => {
    const schedule = parseScheduleParams({ frequency: 'hour', interval: 1, startTime: '2026-01-01T09:00:00Z' });
    const windows: ScheduledWindow[] = [];
    for (const window of windowsFrom(schedule, ms('2026-01-01T06:30:00Z'))) {
      windows.push(window);
      if (windows.length === 5) break;
    }
    assert.deepEqual(
      windows.map((w) => iso(w.startMs)),
      [
        '2026-01-01T06:00:00Z',
        '2026-01-01T07:00:00Z',
        '2026-01-01T08:00:00Z',
        '2026-01-01T09:00:00Z',
        '2026-01-01T10:00:00Z',
      ],
    );
    assertChained(windows);
  });

  test('daily grid before the start keeps local time', () => {
    const schedule = parseScheduleParams({
      frequency: 'day',
      interval: 1,
      startTime: '2026-04-01T02:30:00+02:00',
      timezone: 'Europe/Paris',
    });
    const windows: ScheduledWindow[] = [];
    for (const window of windowsFrom(schedule, ms('2026-03-27T12:00:00Z'))) {
      windows.push(window);
      if (windows.length === 6) break;
    }
    assert.deepEqual(
      windows.map((w) => local(w.dueAt)),
      [
        '2026-03-28T02:30:00',
        '2026-03-29T03:00:00',
        '2026-03-30T02:30:00',
        '2026-03-31T02:30:00',
        '2026-04-01T02:30:00',
        '2026-04-02T02:30:00',
      ],
    );
    assertChained(windows);
  });
});

describe('schedule input', () => {
  test('accepts raw scheduleParams', () => {
    const windows = nextWindows(
      { frequency: 'hour', interval: 1, startTime: '2026-01-01T00:00:00Z' },
      ms('2026-01-01T00:00:00Z'),
      1,
    );
    assert.deepEqual(
      windows.map((w) => iso(w.dueAt)),
      ['2026-01-01T01:00:00Z'],
    );
  });
});
