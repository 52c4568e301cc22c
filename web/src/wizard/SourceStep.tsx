// Browses the account (folders and files, or schemas and tables), previews the first rows of the
// chosen object, and sets how to read it.

import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { ExploreItem, ExploreResult } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { PreviewTable } from './PreviewTable.tsx';
import type { FileOptions, WizardState } from './state.ts';

const delimiters = [',', ';', '\t', '|'];
const encodings = ['utf-8', 'iso-8859-1', 'windows-1252'];
const formats: FileOptions['format'][] = ['delimited', 'json', 'ndjson', 'parquet'];

function parentOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  parts.pop();
  return parts.join('/');
}

/** Reads what the server detected in a file into the wizard's options. */
function detectedOptions(detected: Record<string, unknown> | undefined, current: FileOptions): Partial<FileOptions> {
  if (!detected) return {};
  const format = detected.format;
  const delimiter = detected.columnDelimiter ?? detected.delimiter;
  return {
    ...(typeof format === 'string' && (formats as string[]).includes(format)
      ? { format: format as FileOptions['format'] }
      : {}),
    ...(typeof delimiter === 'string' ? { delimiter } : {}),
    ...(typeof detected.encoding === 'string' ? { encoding: detected.encoding.toLowerCase() } : {}),
    ...(typeof detected.header === 'boolean' ? { header: detected.header } : { header: current.header }),
  };
}

export function SourceStep({
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
  const ids = {
    name: useId(),
    pattern: useId(),
    recursive: useId(),
    format: useId(),
    delimiter: useId(),
    encoding: useId(),
    header: useId(),
  };
  const accountId = state.account!.id;
  const isTable = state.spec?.sourceKind === 'table';
  const [path, setPath] = useState(() => (state.selected ? parentOf(state.selected.path) : ''));
  const [items, setItems] = useState<ExploreItem[] | null>(null);
  const [error, setError] = useState<unknown>();
  const [previewing, setPreviewing] = useState(false);

  useEffect(() => {
    let current = true;
    setItems(null);
    api<ExploreResult>(`/connections/${accountId}/explore`, { method: 'POST', body: { path } }).then(
      (result) => current && setItems(result.items),
      (caught: unknown) => current && setError(caught),
    );
    return () => {
      current = false;
    };
  }, [accountId, path]);

  const preview = async (item: ExploreItem, options: FileOptions = state.file, useOptions = false) => {
    setPreviewing(true);
    setError(undefined);
    try {
      const data =
        useOptions && !isTable
          ? {
              format: options.format,
              ...(options.format === 'delimited'
                ? {
                    properties: {
                      columnDelimiter: options.delimiter,
                      encoding: options.encoding,
                      header: options.header,
                    },
                  }
                : {}),
            }
          : undefined;
      const result = await api<ExploreResult>(`/connections/${accountId}/explore`, {
        method: 'POST',
        body: { path, object: item.path, ...(data ? { data } : {}) },
      });
      const file = useOptions
        ? options
        : { ...options, ...detectedOptions(result.preview?.detected, options), pattern: item.path };
      onChange({
        selected: item,
        preview: result.preview ?? null,
        file,
        mapping: [],
        sourceName: state.sourceName || item.name,
      });
    } catch (caught) {
      setError(caught);
    } finally {
      setPreviewing(false);
    }
  };

  const setFile = (patch: Partial<FileOptions>) => {
    const file = { ...state.file, ...patch };
    onChange({ file });
    const readOption = 'format' in patch || 'delimiter' in patch || 'encoding' in patch || 'header' in patch;
    if (readOption && state.selected) void preview(state.selected, file, true);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (state.selected) onNext();
  };

  return (
    <form className="form" onSubmit={submit}>
      <div className="explorer">
        <div className="explorer-list">
          <h3>{t('wizard.explore')}</h3>
          <p className="muted small">{t('wizard.location', { path: `/${path}` })}</p>
          <div className="toolbar">
            <button
              type="button"
              className="button-small"
              disabled={path === ''}
              onClick={() => setPath(parentOf(path))}
            >
              {t('wizard.exploreUp')}
            </button>
            <button type="button" className="button-small" disabled={path === ''} onClick={() => setPath('')}>
              {t('wizard.exploreRoot')}
            </button>
          </div>
          {items === null && !error && <p>{t('common.loading')}</p>}
          {items && items.length === 0 && <p className="muted">{t('wizard.exploreEmpty')}</p>}
          {items && items.length > 0 && (
            <ul className="explore-items">
              {items.map((item) => {
                const container = item.type === 'folder' || item.type === 'schema';
                return (
                  <li key={item.path}>
                    <button
                      type="button"
                      className={
                        state.selected?.path === item.path ? 'explore-item explore-item-selected' : 'explore-item'
                      }
                      aria-label={t(container ? 'wizard.open' : 'wizard.select', { name: item.name })}
                      aria-pressed={container ? undefined : state.selected?.path === item.path}
                      onClick={() => (container ? setPath(item.path) : void preview(item))}
                    >
                      <span aria-hidden="true" className="explore-icon">
                        {container ? '▸' : '•'}
                      </span>
                      {item.name}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
        <div className="explorer-preview">
          {previewing && <p>{t('common.loading')}</p>}
          {!state.preview && !previewing && <p className="muted">{t('wizard.previewNone')}</p>}
          {state.preview && state.selected && (
            <PreviewTable title={t('wizard.preview', { name: state.selected.name })} preview={state.preview} />
          )}
        </div>
      </div>

      {state.selected && (
        <fieldset className="fieldset">
          <legend>{t('wizard.step.source')}</legend>
          <div className="field">
            <label htmlFor={ids.name}>{t('wizard.sourceName')}</label>
            <input
              id={ids.name}
              required
              value={state.sourceName}
              onChange={(event) => onChange({ sourceName: event.target.value })}
            />
          </div>
          {isTable ? (
            <p>{t('common.labelValue', { label: t('wizard.tableName'), value: state.selected.path })}</p>
          ) : (
            <>
              <div className="field">
                <label htmlFor={ids.pattern}>{t('wizard.path')}</label>
                <input
                  id={ids.pattern}
                  required
                  value={state.file.pattern}
                  aria-describedby={`${ids.pattern}-hint`}
                  onChange={(event) => onChange({ file: { ...state.file, pattern: event.target.value } })}
                />
                <span id={`${ids.pattern}-hint`} className="hint">
                  {t('wizard.pathHint')}
                </span>
              </div>
              <div className="field-check">
                <input
                  id={ids.recursive}
                  type="checkbox"
                  checked={state.file.recursive}
                  onChange={(event) => onChange({ file: { ...state.file, recursive: event.target.checked } })}
                />
                <label htmlFor={ids.recursive}>{t('wizard.recursive')}</label>
              </div>
              <div className="field-row">
                <div className="field">
                  <label htmlFor={ids.format}>{t('wizard.format')}</label>
                  <select
                    id={ids.format}
                    value={state.file.format}
                    onChange={(event) => setFile({ format: event.target.value as FileOptions['format'] })}
                  >
                    {formats.map((format) => (
                      <option key={format} value={format}>
                        {t(`wizard.format.${format}`)}
                      </option>
                    ))}
                  </select>
                </div>
                {state.file.format === 'delimited' && (
                  <>
                    <div className="field">
                      <label htmlFor={ids.delimiter}>{t('wizard.delimiter')}</label>
                      <select
                        id={ids.delimiter}
                        value={state.file.delimiter}
                        onChange={(event) => setFile({ delimiter: event.target.value })}
                      >
                        {delimiters.map((delimiter) => (
                          <option key={delimiter} value={delimiter}>
                            {delimiter === '\t' ? t('wizard.delimiter.tab') : delimiter}
                          </option>
                        ))}
                      </select>
                    </div>
                    <div className="field">
                      <label htmlFor={ids.encoding}>{t('wizard.encoding')}</label>
                      <select
                        id={ids.encoding}
                        value={state.file.encoding}
                        onChange={(event) => setFile({ encoding: event.target.value })}
                      >
                        {[...new Set([...encodings, state.file.encoding])].map((encoding) => (
                          <option key={encoding} value={encoding}>
                            {encoding}
                          </option>
                        ))}
                      </select>
                    </div>
                  </>
                )}
              </div>
              {state.file.format === 'delimited' && (
                <div className="field-check">
                  <input
                    id={ids.header}
                    type="checkbox"
                    checked={state.file.header}
                    onChange={(event) => setFile({ header: event.target.checked })}
                  />
                  <label htmlFor={ids.header}>{t('wizard.header')}</label>
                </div>
              )}
            </>
          )}
        </fieldset>
      )}

      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" className="button-secondary" onClick={onBack}>
          {t('common.back')}
        </button>
        <button type="submit" className="button-primary" disabled={!state.selected || previewing}>
          {t('common.next')}
        </button>
      </div>
    </form>
  );
}
