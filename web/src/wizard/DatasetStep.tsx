// The dataset and its mapping, proposed from the preview's inferred columns and editable.

import { useEffect, useId, type FormEvent } from 'react';
import { fieldTypes, type FieldType } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { proposeMapping, type MappingRow } from './mapping.ts';
import type { WizardState } from './state.ts';

export function DatasetStep({
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
  const ids = { name: useId(), key: useId(), table: useId() };
  const columns = state.preview?.columns ?? [];

  useEffect(() => {
    if (state.mapping.length === 0 && columns.length > 0) onChange({ mapping: proposeMapping(columns) });
  }, [state.mapping.length, columns, onChange]);

  const setRow = (index: number, patch: Partial<MappingRow>) =>
    onChange({ mapping: state.mapping.map((row, at) => (at === index ? { ...row, ...patch } : row)) });

  const included = state.mapping.filter((row) => row.include);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (included.length > 0) onNext();
  };

  return (
    <form className="form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={ids.name}>{t('wizard.datasetName')}</label>
        <input
          id={ids.name}
          required
          value={state.datasetName}
          onChange={(event) => onChange({ datasetName: event.target.value })}
        />
      </div>
      {columns.length === 0 ? (
        <p className="alert alert-warning">{t('wizard.noPreview')}</p>
      ) : (
        <>
          <p className="muted" id={ids.table}>
            {t('wizard.mappingIntro')}
          </p>
          <div className="table-scroll">
            <table className="table table-compact table-form" aria-describedby={ids.table}>
              <thead>
                <tr>
                  <th scope="col">{t('wizard.include')}</th>
                  <th scope="col">{t('wizard.sourceColumn')}</th>
                  <th scope="col">{t('wizard.field')}</th>
                  <th scope="col">{t('wizard.fieldType')}</th>
                  <th scope="col">{t('wizard.fieldRequired')}</th>
                  <th scope="col">{t('wizard.dateFormat')}</th>
                  <th scope="col">{t('wizard.decimalComma')}</th>
                </tr>
              </thead>
              <tbody>
                {state.mapping.map((row, index) => (
                  <tr key={row.source}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`${t('wizard.include')} ${row.source}`}
                        checked={row.include}
                        onChange={(event) => setRow(index, { include: event.target.checked })}
                      />
                    </td>
                    <td>
                      <code>{row.source}</code>
                    </td>
                    <td>
                      <input
                        aria-label={`${t('wizard.field')} (${row.source})`}
                        required={row.include}
                        disabled={!row.include}
                        value={row.destination}
                        onChange={(event) => setRow(index, { destination: event.target.value })}
                      />
                    </td>
                    <td>
                      <select
                        aria-label={`${t('wizard.fieldType')} (${row.source})`}
                        disabled={!row.include}
                        value={row.type}
                        onChange={(event) => setRow(index, { type: event.target.value as FieldType })}
                      >
                        {fieldTypes.map((type) => (
                          <option key={type} value={type}>
                            {type}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`${t('wizard.fieldRequired')} (${row.source})`}
                        disabled={!row.include}
                        checked={row.required}
                        onChange={(event) => setRow(index, { required: event.target.checked })}
                      />
                    </td>
                    <td>
                      {(row.type === 'date' || row.type === 'datetime') && (
                        <input
                          aria-label={`${t('wizard.dateFormat')} (${row.source})`}
                          placeholder={row.type === 'date' ? 'dd/MM/yyyy' : 'dd/MM/yyyy HH:mm'}
                          disabled={!row.include}
                          value={row.format}
                          onChange={(event) => setRow(index, { format: event.target.value })}
                        />
                      )}
                    </td>
                    <td>
                      {row.type === 'number' && (
                        <input
                          type="checkbox"
                          aria-label={`${t('wizard.decimalComma')} (${row.source})`}
                          disabled={!row.include}
                          checked={row.decimalComma}
                          onChange={(event) => setRow(index, { decimalComma: event.target.checked })}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {included.length === 0 && <p className="alert alert-warning">{t('wizard.mappingEmpty')}</p>}
          <div className="field">
            <label htmlFor={ids.key}>{t('wizard.primaryKey')}</label>
            <select
              id={ids.key}
              value={state.primaryKey}
              aria-describedby={`${ids.key}-hint`}
              onChange={(event) => {
                const key = event.target.value;
                const mapping = state.mapping.map((row) =>
                  row.destination === key ? { ...row, required: true } : row,
                );
                onChange({ primaryKey: key, mapping });
              }}
            >
              <option value="">{t('wizard.primaryKeyNone')}</option>
              {included.map((row) => (
                <option key={row.source} value={row.destination}>
                  {row.destination}
                </option>
              ))}
            </select>
            <span id={`${ids.key}-hint`} className="hint">
              {t('wizard.primaryKeyHint')}
            </span>
          </div>
        </>
      )}
      <div className="actions">
        <button type="button" className="button-secondary" onClick={onBack}>
          {t('common.back')}
        </button>
        <button type="submit" className="button-primary" disabled={included.length === 0}>
          {t('common.next')}
        </button>
      </div>
    </form>
  );
}
