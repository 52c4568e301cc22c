// The schedule part of a form: frequency, interval or cron, start and end, time zone, backfill.
// Used by the setup wizard and the "Edit schedule" dialog.

import { useId } from 'react';
import { frequencies, type Frequency, type ScheduleParams } from '../api/types.ts';
import { DateTimeField } from '../components/DateTimeField.tsx';
import { userTimeZone, useI18n } from '../i18n/i18n.tsx';
import { fromLocalInput, timeZoneChoices, toLocalInput } from '../time.ts';

export interface ScheduleForm {
  frequency: Frequency;
  interval: string;
  cron: string;
  startLocal: string;
  endLocal: string;
  timezone: string;
  backfill: boolean;
}

export function scheduleFormOf(schedule?: ScheduleParams): ScheduleForm {
  return {
    frequency: schedule?.frequency ?? 'hour',
    interval: String(schedule?.interval ?? 1),
    cron: schedule?.cron ?? '0 * * * *',
    startLocal: toLocalInput(schedule?.startTime ?? new Date(), schedule?.timezone ?? userTimeZone),
    endLocal: toLocalInput(schedule?.endTime ?? null, schedule?.timezone ?? userTimeZone),
    timezone: schedule?.timezone ?? userTimeZone,
    backfill: schedule?.backfill ?? false,
  };
}

/** Builds the API's `scheduleParams`, with unused members null so that a merge patch removes them. */
export function scheduleParamsOf(form: ScheduleForm): Record<string, unknown> {
  return {
    frequency: form.frequency,
    interval: form.frequency === 'once' ? null : Number(form.interval),
    cron: form.frequency === 'cron' ? form.cron.trim() : null,
    startTime: fromLocalInput(form.startLocal, form.timezone) ?? form.startLocal,
    endTime: form.endLocal ? (fromLocalInput(form.endLocal, form.timezone) ?? form.endLocal) : null,
    timezone: form.timezone,
    backfill: form.backfill,
  };
}

/** Builds `scheduleParams` without null members, for a create request. */
export function newScheduleParams(form: ScheduleForm): Record<string, unknown> {
  return Object.fromEntries(Object.entries(scheduleParamsOf(form)).filter(([, value]) => value !== null));
}

export function ScheduleFields({ value, onChange }: { value: ScheduleForm; onChange: (next: ScheduleForm) => void }) {
  const { t } = useI18n();
  const ids = { frequency: useId(), interval: useId(), cron: useId(), zone: useId(), backfill: useId() };
  const set = (patch: Partial<ScheduleForm>) => onChange({ ...value, ...patch });

  return (
    <fieldset className="fieldset">
      <legend>{t('flows.schedule')}</legend>
      <div className="field-row">
        <div className="field">
          <label htmlFor={ids.frequency}>{t('schedule.frequency')}</label>
          <select
            id={ids.frequency}
            value={value.frequency}
            onChange={(event) => set({ frequency: event.target.value as Frequency })}
          >
            {frequencies.map((frequency) => (
              <option key={frequency} value={frequency}>
                {t(`schedule.freq.${frequency}`)}
              </option>
            ))}
          </select>
        </div>
        {value.frequency !== 'once' && value.frequency !== 'cron' && (
          <div className="field">
            <label htmlFor={ids.interval}>{t('schedule.interval')}</label>
            <input
              id={ids.interval}
              type="number"
              min={1}
              step={1}
              required
              value={value.interval}
              onChange={(event) => set({ interval: event.target.value })}
            />
          </div>
        )}
        {value.frequency === 'cron' && (
          <div className="field">
            <label htmlFor={ids.cron}>{t('schedule.cron')}</label>
            <input
              id={ids.cron}
              required
              value={value.cron}
              aria-describedby={`${ids.cron}-hint`}
              onChange={(event) => set({ cron: event.target.value })}
            />
            <span id={`${ids.cron}-hint`} className="hint">
              {t('schedule.cronHint')}
            </span>
          </div>
        )}
      </div>
      <div className="field">
        <label htmlFor={ids.zone}>{t('schedule.timezone')}</label>
        <select
          id={ids.zone}
          value={value.timezone}
          aria-describedby={`${ids.zone}-hint`}
          onChange={(event) => set({ timezone: event.target.value })}
        >
          {timeZoneChoices(userTimeZone).map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
        <span id={`${ids.zone}-hint`} className="hint">
          {t('schedule.dstNote')}
        </span>
      </div>
      <DateTimeField
        label={t('schedule.startTime')}
        value={value.startLocal}
        onChange={(startLocal) => set({ startLocal })}
        timeZone={value.timezone}
        required
      />
      <DateTimeField
        label={t('schedule.endTime')}
        value={value.endLocal}
        onChange={(endLocal) => set({ endLocal })}
        timeZone={value.timezone}
      />
      <div className="field-check">
        <input
          id={ids.backfill}
          type="checkbox"
          checked={value.backfill}
          onChange={(event) => set({ backfill: event.target.checked })}
        />
        <label htmlFor={ids.backfill}>{t('schedule.backfill')}</label>
      </div>
    </fieldset>
  );
}
