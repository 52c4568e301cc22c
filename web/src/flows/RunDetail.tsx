// The run detail panel: window and parameters, run errors, the first 100 row errors with a CSV
// download of all of them, and the files read.

import { useEffect, useRef } from 'react';
import { api, download } from '../api/client.ts';
import { useInterval, useLoad } from '../api/hooks.ts';
import type { RowErrorPage, Run } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { RunStatusBadge } from '../components/StatusBadge.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { RunActions } from './RunActions.tsx';
import { progressRatio } from './runs.ts';

const rowErrorLimit = 100;

export function RunDetail({
  runId,
  refreshKey,
  onClose,
  onChanged,
}: {
  runId: string;
  refreshKey: number;
  onClose: () => void;
  onChanged: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const run = useLoad(() => api<Run>(`/runs/${runId}`), `${runId}:${refreshKey}`);
  const rowErrors = useLoad(() => api<RowErrorPage>(`/runs/${runId}/errors`), `${runId}:${run.data?.status ?? ''}`);
  const running = run.data?.status === 'inProgress' || run.data?.status === 'scheduled';
  useInterval(run.reload, 2000, running);

  // The panel sits under the runs table, so bring it into view when a run is picked.
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    panel.current?.scrollIntoView({ block: 'nearest' });
  }, [runId]);

  const data = run.data;
  const files = data?.metrics?.fileSummary;
  const sizes = data?.metrics?.sizeSummary;

  return (
    <aside ref={panel} className="panel" aria-labelledby="run-panel-title" data-run-id={runId}>
      <header className="panel-header">
        <h2 id="run-panel-title">{t('run.panelTitle', { id: runId })}</h2>
        <button type="button" className="button-icon" aria-label={t('run.closePanel')} onClick={onClose}>
          ×
        </button>
      </header>
      <ErrorMessage error={run.error} />
      {data && (
        <>
          <p>
            <RunStatusBadge status={data.status} /> <span className="muted">{t(`run.trigger.${data.trigger}`)}</span>
          </p>
          {data.status === 'inProgress' && (
            <p>
              <progress
                className="run-progress"
                aria-label={t('activity.progress', { id: data.id })}
                max={1}
                value={progressRatio(data)}
              />
              <span className="muted small">
                {t('activity.progressRecords', { records: i18n.number(data.metrics?.progress?.recordsRead ?? 0) })}
              </span>
            </p>
          )}
          <RunActions run={data} onChanged={onChanged} />
          <h3>{t('activity.window')}</h3>
          <dl className="facts">
            <dt>{t('run.windowStart')}</dt>
            <dd>{i18n.dateTime(data.params.windowStartTime)}</dd>
            <dt>{t('run.windowEnd')}</dt>
            <dd>{i18n.dateTime(data.params.windowEndTime)}</dd>
          </dl>
          <h3>{t('run.parameters')}</h3>
          <dl className="facts">
            <dt>{t('run.startTime')}</dt>
            <dd>{i18n.dateTime(data.params.startTime)}</dd>
            <dt>{t('run.startedAt')}</dt>
            <dd>{i18n.dateTime(data.metrics?.durationSummary?.startedAt)}</dd>
            <dt>{t('run.completedAt')}</dt>
            <dd>{i18n.dateTime(data.metrics?.durationSummary?.completedAt)}</dd>
            <dt>{t('run.attempt')}</dt>
            <dd>{i18n.number(data.attempt)}</dd>
            {data.retryOf && (
              <>
                <dt>{t('run.retryOf')}</dt>
                <dd>
                  <code>{data.retryOf}</code>
                </dd>
              </>
            )}
            {data.params.deltaColumn?.name && (
              <>
                <dt>{t('run.deltaColumn')}</dt>
                <dd>
                  <code>{data.params.deltaColumn.name}</code>
                </dd>
              </>
            )}
          </dl>
          {data.errors && data.errors.length > 0 && (
            <>
              <h3>{t('run.errors')}</h3>
              <ul className="run-errors">
                {data.errors.map((error, index) => (
                  <li key={`${error.code}-${index}`}>
                    <strong>{i18n.lookup(`error.${error.code}`) ?? error.code}</strong>
                    <span className="muted block">
                      <code>{error.code}</code> {error.message}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('run.files')}</h3>
          <p>
            {t('run.fileCount', { count: i18n.number(files?.inputFileCount ?? 0) })}
            {sizes && (
              <span className="muted block">
                {t('run.bytes', { input: i18n.bytes(sizes.inputBytes), output: i18n.bytes(sizes.outputBytes) })}
              </span>
            )}
          </p>
          {files?.files && files.files.length > 0 && (
            <ul className="file-list">
              {files.files.map((file) => (
                <li key={file.name}>
                  <code>{file.name}</code> <span className="muted">{i18n.bytes(file.sizeBytes)}</span>
                </li>
              ))}
            </ul>
          )}
          <h3>{t('run.rowErrors')}</h3>
          {rowErrors.data && rowErrors.data.count > 0 && (
            <p className="muted">{t('run.rowErrorCount', { count: i18n.number(rowErrors.data.count) })}</p>
          )}
          <ErrorMessage error={rowErrors.error} />
          {rowErrors.data && rowErrors.data.items.length === 0 && <p className="muted">{t('run.noRowErrors')}</p>}
          {rowErrors.data && rowErrors.data.items.length > 0 && (
            <>
              <a
                href={`/api/v1/runs/${runId}/errors?format=csv`}
                onClick={(event) => {
                  event.preventDefault();
                  void download(`/runs/${runId}/errors`, { format: 'csv' }, `run-${runId}-errors.csv`);
                }}
              >
                {t('run.downloadErrors')}
              </a>
              <div className="table-scroll">
                <table className="table table-compact">
                  <thead>
                    <tr>
                      <th scope="col">{t('run.origin')}</th>
                      <th scope="col">{t('run.row')}</th>
                      <th scope="col">{t('run.field')}</th>
                      <th scope="col">{t('run.code')}</th>
                      <th scope="col">{t('run.message')}</th>
                      <th scope="col">{t('run.rawValue')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rowErrors.data.items.slice(0, rowErrorLimit).map((error, index) => (
                      <tr key={index}>
                        <td>{error.origin}</td>
                        <td className="numeric">{i18n.number(error.rowNumber)}</td>
                        <td>{error.field}</td>
                        <td>
                          <code>{error.code}</code>
                        </td>
                        <td>{error.message}</td>
                        <td>
                          <code>{error.rawValue}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </>
      )}
    </aside>
  );
}
