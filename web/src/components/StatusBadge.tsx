import type { RunStatus } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function RunStatusBadge({ status }: { status: RunStatus }) {
  const { t } = useI18n();
  return <span className={`badge badge-${status}`}>{t(`run.status.${status}`)}</span>;
}

export function FlowStateBadge({ enabled }: { enabled: boolean }) {
  const { t } = useI18n();
  return (
    <span className={enabled ? 'badge badge-enabled' : 'badge badge-disabled'}>
      {t(enabled ? 'flows.state.enabled' : 'flows.state.disabled')}
    </span>
  );
}
