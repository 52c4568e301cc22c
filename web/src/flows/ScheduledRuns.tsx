// The Scheduled tab: runs waiting for their start time, then the next windows of the schedule.

import { api } from '../api/client.ts';
import { useInterval, useLoad } from '../api/hooks.ts';
import type { Page, ScheduledRun } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { RunStatusBadge } from '../components/StatusBadge.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { RunActions } from './RunActions.tsx';

const pollMs = 5000;
const upcomingLimit = 20;

export function ScheduledRuns({ flowId, refreshKey }: { flowId: string; refreshKey: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const scheduled = useLoad(
    () => api<Page<ScheduledRun>>(`/flows/${flowId}/scheduledRuns`, { query: { limit: upcomingLimit } }),
    `${flowId}:${refreshKey}`,
  );
  useInterval(scheduled.reload, pollMs, true);

  const items = scheduled.data?.items ?? [];
  return (
    <div>
      <ErrorMessage error={scheduled.error} />
      {scheduled.loading && !scheduled.data && <p>{t('common.loading')}</p>}
      {scheduled.data && items.length === 0 && <p className="muted">{t('activity.noScheduled')}</p>}
      {items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('activity.dueAt')}</th>
              <th scope="col">{t('run.windowStart')}</th>
              <th scope="col">{t('run.windowEnd')}</th>
              <th scope="col">{t('activity.trigger')}</th>
              <th scope="col">{t('common.status')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr
                key={item.runId ?? `${item.windowStartTime}/${item.windowEndTime}`}
                data-run-id={item.runId ?? undefined}
              >
                <td>{i18n.shortDateTime(item.startTime)}</td>
                <td>{i18n.shortDateTime(item.windowStartTime)}</td>
                <td>{i18n.shortDateTime(item.windowEndTime)}</td>
                <td>{t(`run.trigger.${item.trigger}`)}</td>
                <td>
                  <RunStatusBadge status="scheduled" />
                </td>
                <td>
                  {item.runId && (
                    <RunActions run={{ id: item.runId, status: 'scheduled' }} onChanged={scheduled.reload} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
