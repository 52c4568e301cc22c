import { useId, type FormEvent } from 'react';
import { ScheduleFields } from '../flows/ScheduleFields.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { WizardState } from './state.ts';

export function FlowStep({
  state,
  onChange,
  onBack,
  onNext,
}: {
  state: WizardState;
  onChange: (patch: Partial<WizardState>) => void;
  onBack: () => void;
  onNext: () => void;
}) {
  const { t } = useI18n();
  const ids = { name: useId(), threshold: useId(), delta: useId() };
  const isTable = state.spec?.sourceKind === 'table';
  const deltaCandidates = (state.preview?.columns ?? []).filter(
    (column) => column.canBeDeltaColumn ?? (column.type === 'datetime' || column.type === 'date'),
  );
  const delta = deltaCandidates.find((column) => column.name === state.deltaColumn);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onNext();
  };

  return (
    <form className="form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={ids.name}>{t('wizard.flowName')}</label>
        <input
          id={ids.name}
          required
          value={state.flowName}
          onChange={(event) => onChange({ flowName: event.target.value })}
        />
      </div>
      <ScheduleFields value={state.schedule} onChange={(schedule) => onChange({ schedule })} />
      <div className="field">
        <label htmlFor={ids.threshold}>{t('wizard.errorThreshold')}</label>
        <input
          id={ids.threshold}
          type="number"
          min={0}
          max={100}
          step="any"
          required
          value={state.errorThreshold}
          aria-describedby={`${ids.threshold}-hint`}
          onChange={(event) => onChange({ errorThreshold: event.target.value })}
        />
        <span id={`${ids.threshold}-hint`} className="hint">
          {t('wizard.errorThresholdHint')}
        </span>
      </div>
      {isTable && (
        <div className="field">
          <label htmlFor={ids.delta}>{t('wizard.deltaColumn')}</label>
          <select
            id={ids.delta}
            required
            value={state.deltaColumn}
            aria-describedby={`${ids.delta}-hint`}
            onChange={(event) => onChange({ deltaColumn: event.target.value })}
          >
            <option value="">—</option>
            {deltaCandidates.map((column) => (
              <option key={column.name} value={column.name}>
                {column.name} ({column.sourceType ?? column.type})
              </option>
            ))}
          </select>
          <span id={`${ids.delta}-hint`} className="hint">
            {t('wizard.deltaColumnHint')}{' '}
            {delta?.withoutTimeZone && t('wizard.deltaWithoutZone', { zone: state.schedule.timezone })}
          </span>
        </div>
      )}
      <div className="actions">
        <button type="button" className="button-secondary" onClick={onBack}>
          {t('common.back')}
        </button>
        <button type="submit" className="button-primary">
          {t('common.next')}
        </button>
      </div>
    </form>
  );
}
