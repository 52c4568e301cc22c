// The Processed tab: runs that started, newest first, one page at a time. The first page is polled
// while a run is in progress (every 2 s) and more slowly otherwise, so a flow with thousands of runs
// opens as fast as one with three.

import { useCallback, useEffect, useState } from 'react';
import { api, nextToken } from '../api/client.ts';
import { useInterval } from '../api/hooks.ts';
import type { Page, Run } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { RunStatusBadge } from '../components/StatusBadge.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { RunActions } from './RunActions.tsx';
import { RunsChart } from './RunsChart.tsx';
import { ingestedRate, mergeRuns, processedStatuses, progressRatio, runDurationMs, runStartedAt } from './runs.ts';

const pageSize = 25;
const activePollMs = 2000;
const idlePollMs = 10_000;

export function ProcessedRuns({
  flowId,
  selectedRunId,
  onSelect,
  onChanged,
  refreshKey,
}: {
  flowId: string;
  selectedRunId: string | null;
  onSelect: (runId: string) => void;
  /** Called after a run action, so the rest of the page reloads too. */
  onChanged: () => void;
  refreshKey: number;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [runs, setRuns] = useState<Run[]>([]);
  const [token, setToken] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>();
  const [now, setNow] = useState(Date.now());

  const fetchPage = useCallback(
    (continuationToken?: string) =>
      api<Page<Run>>('/runs', {
        query: {
          property: [`flowId==${flowId}`, `status==${processedStatuses}`],
          limit: pageSize,
          continuationToken,
        },
      }),
    [flowId],
  );

  const refreshFirstPage = useCallback(async () => {
    try {
      const page = await fetchPage();
      setRuns((shown) => (shown.length === 0 ? page.items : mergeRuns(shown, page.items)));
      setToken((current) => current ?? nextToken(page));
      setLoaded(true);
      setError(undefined);
    } catch (caught) {
      setError(caught);
    }
    setNow(Date.now());
  }, [fetchPage]);

  useEffect(() => {
    void refreshFirstPage();
  }, [refreshFirstPage, refreshKey]);

  const active = runs.some((run) => run.status === 'inProgress');
  useInterval(() => void refreshFirstPage(), active ? activePollMs : idlePollMs, loaded);

  const loadMore = async () => {
    if (!token) return;
    try {
      const page = await fetchPage(token);
      setRuns((shown) => [...shown, ...page.items.filter((run) => !shown.some((known) => known.id === run.id))]);
      setToken(nextToken(page));
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <div>
      <RunsChart runs={runs} />
      <ErrorMessage error={error} />
      {!loaded && !error && <p>{t('common.loading')}</p>}
      {loaded && runs.length === 0 && <p className="muted">{t('activity.noRuns')}</p>}
      {runs.length > 0 && (
        <div className="table-scroll">
          <table className="table table-runs">
            <thead>
              <tr>
                <th scope="col">{t('activity.start')}</th>
                <th scope="col">{t('activity.window')}</th>
                <th scope="col">{t('activity.duration')}</th>
                <th scope="col" className="numeric">
                  {t('activity.received')}
                </th>
                <th scope="col" className="numeric">
                  {t('activity.ingested')}
                </th>
                <th scope="col" className="numeric">
                  {t('activity.failed')}
                </th>
                <th scope="col" className="numeric">
                  {t('activity.rate')}
                </th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => {
                const records = run.metrics?.recordSummary;
                const rate = ingestedRate(run);
                const ratio = progressRatio(run);
                return (
                  <tr
                    key={run.id}
                    data-run-id={run.id}
                    data-status={run.status}
                    aria-selected={run.id === selectedRunId}
                    className={run.superseded ? 'row-superseded' : undefined}
                  >
                    <td>
                      <button type="button" className="button-link" onClick={() => onSelect(run.id)}>
                        <span className="visually-hidden">{t('activity.details', { id: run.id })} </span>
                        {i18n.shortDateTime(runStartedAt(run) ?? run.params.startTime)}
                      </button>
                      <span className="muted small block">
                        {t(`run.trigger.${run.trigger}`)}
                        {run.superseded ? ` · ${t('activity.superseded')}` : ''}
                      </span>
                    </td>
                    <td data-column="window">
                      {i18n.shortDateTimeRange(run.params.windowStartTime, run.params.windowEndTime)}
                    </td>
                    <td className="nowrap">{i18n.duration(runDurationMs(run, now))}</td>
                    <td className="numeric" data-metric="received">
                      {i18n.number(
                        run.status === 'inProgress' ? run.metrics?.progress?.recordsRead : records?.inputRecordCount,
                      )}
                    </td>
                    <td className="numeric" data-metric="ingested">
                      {i18n.number(records?.outputRecordCount)}
                    </td>
                    <td className="numeric" data-metric="failed">
                      {i18n.number(records?.failedRecordCount)}
                    </td>
                    <td className="numeric">{i18n.number(rate, { style: 'percent', maximumFractionDigits: 1 })}</td>
                    <td>
                      <RunStatusBadge status={run.status} />
                      {run.status === 'inProgress' && (
                        <progress
                          className="run-progress"
                          aria-label={t('activity.progress', { id: run.id })}
                          max={1}
                          value={ratio}
                        >
                          {t('activity.progressRecords', {
                            records: i18n.number(run.metrics?.progress?.recordsRead ?? 0),
                          })}
                        </progress>
                      )}
                    </td>
                    <td>
                      <RunActions run={run} onChanged={onChanged} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {token && (
        <div className="actions actions-start">
          <button type="button" className="button-secondary" onClick={() => void loadMore()}>
            {t('common.loadMore')}
          </button>
        </div>
      )}
    </div>
  );
}
