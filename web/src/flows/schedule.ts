import type { Flow, ScheduleParams } from '../api/types.ts';
import type { I18n } from '../i18n/i18n.tsx';

/** "Every hour (Europe/Paris)": the schedule in words, with its time zone named once. */
export function describeSchedule(i18n: I18n, schedule: ScheduleParams | undefined): string {
  if (!schedule) return '—';
  const zone = schedule.timezone ?? 'UTC';
  const params = {
    interval: schedule.interval ?? 1,
    cron: schedule.cron ?? '',
    start: i18n.dateTime(schedule.startTime, zone),
  };
  const key = `schedule.describe.${schedule.frequency}`;
  const singular = params.interval === 1 ? i18n.lookup(`${key}.one`, params) : undefined;
  const text = singular ?? i18n.lookup(key, params) ?? schedule.frequency;
  // A one-time schedule's start already names its zone.
  if (schedule.frequency === 'once') return text;
  return i18n.t('schedule.describe.zone', { schedule: text, zone });
}

export function flowEnabled(flow: Flow): boolean {
  return (flow.state ?? flow.status ?? 'enabled') === 'enabled';
}
