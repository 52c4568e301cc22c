// Edits a flow's schedule with a merge patch; If-Match carries the etag the form was read from, so
// a change made meanwhile by someone else is refused rather than overwritten.

import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { Flow } from '../api/types.ts';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useNotify } from '../components/Notice.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ScheduleFields, scheduleFormOf, scheduleParamsOf } from './ScheduleFields.tsx';

export function EditScheduleDialog({
  flow,
  onClose,
  onSaved,
}: {
  flow: Flow;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const notify = useNotify();
  const [form, setForm] = useState(() => scheduleFormOf(flow.scheduleParams));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api(`/flows/${flow.id}`, {
        method: 'PATCH',
        headers: { 'if-match': flow.etag },
        body: { scheduleParams: scheduleParamsOf(form) },
      });
      notify(t('common.saved'));
      onSaved();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('schedule.editTitle', { name: flow.name })} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <ScheduleFields value={form} onChange={setForm} />
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" className="button-secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button-primary" disabled={busy}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
