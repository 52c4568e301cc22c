// The Scheduled tab: on-demand runs not started yet and the next windows of the schedule.

import { api } from '../api/client.ts';
import { useInterval, useLoad } from '../api/hooks.ts';
import type { Page, ScheduledRun } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { RunStatusBadge } from '../components/StatusBadge.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { RunActions } from './RunActions.tsx';

const pollMs = 5000;

function windowOf(item: ScheduledRun) {
  return {
    start: item.params?.windowStartTime ?? item.windowStartTime,
    end: item.params?.windowEndTime ?? item.windowEndTime,
    due: item.params?.startTime ?? item.dueAt ?? item.startTime,
  };
}

export function ScheduledRuns({ flowId, refreshKey }: { flowId: string; refreshKey: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const scheduled = useLoad(
    () => api<Page<ScheduledRun>>(`/flows/${flowId}/scheduledRuns`, { query: { limit: 20 } }),
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
            {items.map((item, index) => {
              const window = windowOf(item);
              return (
                <tr key={item.id ?? `${window.start}-${index}`} data-run-id={item.id ?? undefined}>
                  <td>{i18n.dateTime(window.due)}</td>
                  <td>{i18n.dateTime(window.start)}</td>
                  <td>{i18n.dateTime(window.end)}</td>
                  <td>{t(`run.trigger.${item.trigger ?? 'schedule'}`)}</td>
                  <td>
                    <RunStatusBadge status={item.status ?? 'scheduled'} />
                  </td>
                  <td>
                    {item.id && (
                      <RunActions
                        run={{ id: item.id, status: item.status ?? 'scheduled' }}
                        onChanged={scheduled.reload}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
