// Retry (failed or cancelled runs), Re-run (succeeded runs) and Cancel (scheduled or running runs).

import { useState } from 'react';
import { api } from '../api/client.ts';
import type { Run } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useNotify } from '../components/Notice.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function RunActions({
  run,
  onChanged,
}: {
  run: Pick<Run, 'id' | 'status' | 'superseded'>;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const notify = useNotify();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const act = async (op: 're-trigger' | 'cancel') => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/runs/${run.id}/action`, { method: 'POST', query: { op } });
      notify(t(op === 'cancel' ? 'run.cancelled' : 'run.retried', { id: run.id }));
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  // A superseded run was replaced by a later retry: actions belong to that retry.
  const buttons: { label: string; op: 're-trigger' | 'cancel' }[] = [];
  if (run.superseded) return null;
  if (run.status === 'failed' || run.status === 'cancelled') buttons.push({ label: t('run.retry'), op: 're-trigger' });
  if (run.status === 'success') buttons.push({ label: t('run.rerun'), op: 're-trigger' });
  if (run.status === 'scheduled' || run.status === 'inProgress') buttons.push({ label: t('run.cancel'), op: 'cancel' });

  return (
    <span className="run-actions">
      {buttons.map((button) => (
        <button
          key={button.op}
          type="button"
          className={button.op === 'cancel' ? 'button-small button-danger-quiet' : 'button-small'}
          disabled={busy}
          aria-label={`${button.label} ${run.id}`}
          onClick={() => void act(button.op)}
        >
          {button.label}
        </button>
      ))}
      <ErrorMessage error={error} />
    </span>
  );
}
