// A date-time input in the user's zone, with the zone named next to it, so the value sent with its
// offset is the one the user meant.

import { useId } from 'react';
import { userTimeZone, useI18n } from '../i18n/i18n.tsx';

export function DateTimeField({
  label,
  value,
  onChange,
  required = false,
  name,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  name?: string;
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
          aria-describedby={`${id}-zone`}
          onChange={(event) => onChange(event.target.value)}
        />
        <span id={`${id}-zone`} className="hint">
          {t('common.timezoneHint', { zone: userTimeZone })}
        </span>
      </div>
    </div>
  );
}
