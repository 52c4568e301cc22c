// Backfill: the range is split into the flow's own windows by the server. A dry run lists them
// first, and the launch button only appears once the user has seen what will run.

import { useId, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { BackfillResult, BackfillWindow, Flow } from '../api/types.ts';
import { DateTimeField } from '../components/DateTimeField.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useNotify } from '../components/Notice.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { fromLocalInput, startOfHour, toLocalInput } from '../time.ts';

type Reprocess = 'none' | 'failed' | 'all';

export function BackfillDialog({
  flow,
  onClose,
  onLaunched,
}: {
  flow: Flow;
  onClose: () => void;
  onLaunched: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const notify = useNotify();
  const reprocessId = useId();
  const end = startOfHour(Date.now());
  const [windowStartTime, setWindowStartTime] = useState(toLocalInput(end.getTime() - 24 * 3_600_000));
  const [windowEndTime, setWindowEndTime] = useState(toLocalInput(end));
  const [reprocess, setReprocess] = useState<Reprocess>('none');
  const [preview, setPreview] = useState<BackfillWindow[] | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const [invalid, setInvalid] = useState({ start: false, end: false });
  const invalidText = (failed: boolean) => (failed ? t('common.invalidDateTime') : undefined);

  const run = async (dryRun: boolean) => {
    setError(undefined);
    // A value without its offset would be read in another zone, so it is never sent as is.
    const range = { start: fromLocalInput(windowStartTime), end: fromLocalInput(windowEndTime) };
    setInvalid({ start: range.start === null, end: range.end === null });
    if (range.start === null || range.end === null) return;

    setBusy(true);
    try {
      const result = await api<BackfillResult>(`/flows/${flow.id}/backfill`, {
        method: 'POST',
        body: { windowStartTime: range.start, windowEndTime: range.end, reprocess, dryRun },
      });
      if (dryRun) {
        setPreview(result.windows);
      } else {
        const created = result.windows.filter((window) => window.action === 'create').length;
        notify(t('backfill.launched', { count: i18n.number(created) }));
        onLaunched();
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const toCreate = preview?.filter((window) => window.action === 'create') ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(preview === null);
  };

  const changed =
    <T,>(setter: (value: T) => void) =>
    (value: T) => {
      setter(value);
      setPreview(null);
    };

  return (
    <Dialog title={t('backfill.title', { name: flow.name })} onClose={onClose} wide>
      <form className="form" onSubmit={submit}>
        <p className="muted">{t('backfill.intro')}</p>
        <DateTimeField
          label={t('backfill.windowStart')}
          value={windowStartTime}
          onChange={changed(setWindowStartTime)}
          error={invalidText(invalid.start)}
          required
        />
        <DateTimeField
          label={t('backfill.windowEnd')}
          value={windowEndTime}
          onChange={changed(setWindowEndTime)}
          error={invalidText(invalid.end)}
          required
        />
        <div className="field">
          <label htmlFor={reprocessId}>{t('backfill.reprocess')}</label>
          <select
            id={reprocessId}
            value={reprocess}
            onChange={(event) => changed(setReprocess)(event.target.value as Reprocess)}
          >
            <option value="none">{t('backfill.reprocess.none')}</option>
            <option value="failed">{t('backfill.reprocess.failed')}</option>
            <option value="all">{t('backfill.reprocess.all')}</option>
          </select>
        </div>
        {preview && (
          <div className="backfill-preview" aria-live="polite">
            {toCreate.length === 0 ? (
              <p>{t('backfill.noWindows')}</p>
            ) : (
              <p>
                <strong>{t('backfill.windows', { count: i18n.number(toCreate.length) })}</strong>
              </p>
            )}
            {preview.length > 0 && (
              <ol className="window-list">
                {preview.map((window) => (
                  <li key={window.windowStartTime} className={window.action === 'skip' ? 'muted' : undefined}>
                    {i18n.dateTime(window.windowStartTime)} → {i18n.dateTime(window.windowEndTime)}{' '}
                    <span className="small">({t(`backfill.reason.${window.reason}`)})</span>
                  </li>
                ))}
              </ol>
            )}
          </div>
        )}
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" className="button-secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          {preview === null ? (
            <button type="submit" className="button-primary" disabled={busy}>
              {t('backfill.preview')}
            </button>
          ) : (
            <button type="submit" className="button-primary" disabled={busy || toCreate.length === 0}>
              {t('backfill.launch')}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
