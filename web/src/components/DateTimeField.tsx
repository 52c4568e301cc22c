// A date-time input with its time zone named next to it (the user's, or a schedule's), so the
// value sent with its offset is the one the user meant.

import { useId } from 'react';
import { userTimeZone, useI18n } from '../i18n/i18n.tsx';

export function DateTimeField({
  label,
  value,
  onChange,
  required = false,
  name,
  timeZone = userTimeZone,
  error,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  name?: string;
  /** The zone the wall time is read in; the caller converts with the same zone. */
  timeZone?: string;
  /** A message shown under the input, which is then marked invalid. */
  error?: string;
}) {
  const id = useId();
  const { t } = useI18n();

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="field-inline">
        <input
          id={id}
          name={name}
          type="datetime-local"
          step={1}
          value={value}
          required={required}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-zone ${id}-error` : `${id}-zone`}
          onChange={(event) => onChange(event.target.value)}
        />
        <span id={`${id}-zone`} className="hint">
          {t('common.timezoneHint', { zone: timeZone })}
        </span>
      </div>
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
