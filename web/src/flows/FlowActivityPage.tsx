// The activity of one dataflow: processed runs with their chart and details, and upcoming runs.

import { useState } from 'react';
import { api, ApiError } from '../api/client.ts';
import { useLoad } from '../api/hooks.ts';
import type { Flow } from '../api/types.ts';
import { Link, navigate, useLocation } from '../app/router.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { FlowStateBadge } from '../components/StatusBadge.tsx';
import { TabPanel, Tabs } from '../components/Tabs.tsx';
import { useDocumentTitle } from '../components/useDocumentTitle.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { BackfillDialog } from './BackfillDialog.tsx';
import { OnDemandDialog } from './OnDemandDialog.tsx';
import { ProcessedRuns } from './ProcessedRuns.tsx';
import { RunDetail } from './RunDetail.tsx';
import { ScheduledRuns } from './ScheduledRuns.tsx';
import { describeSchedule, flowEnabled } from './schedule.ts';

type ActivityTab = 'processed' | 'scheduled';

export function FlowActivityPage({ flowId }: { flowId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { search } = useLocation();
  const flow = useLoad(() => api<Flow>(`/flows/${flowId}`), flowId);
  const [dialog, setDialog] = useState<'onDemand' | 'backfill' | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);

  const tab: ActivityTab = search.get('tab') === 'scheduled' ? 'scheduled' : 'processed';
  const selectedRunId = search.get('run');
  const go = (next: { tab?: ActivityTab; run?: string | null }) => {
    const params = new URLSearchParams();
    const nextTab = next.tab ?? tab;
    if (nextTab !== 'processed') params.set('tab', nextTab);
    const run = next.run === undefined ? selectedRunId : next.run;
    if (run) params.set('run', run);
    const query = params.toString();
    navigate(`/flows/${flowId}${query ? `?${query}` : ''}`);
  };
  const refresh = () => setRefreshKey((value) => value + 1);

  const data = flow.data;
  const notFound = flow.error instanceof ApiError && flow.error.status === 404;
  useDocumentTitle(notFound ? t('activity.notFoundTitle') : t('activity.title', { name: data?.name ?? '…' }));
  if (notFound) return <FlowNotFound flowId={flowId} />;

  return (
    <section aria-labelledby="activity-title">
      <p>
        <Link href="/sources/dataflows">
          <span aria-hidden="true">← </span>
          {t('activity.backToFlows')}
        </Link>
      </p>
      <ErrorMessage error={flow.error} />
      <div className="page-header">
        <div>
          <h1 id="activity-title">{t('activity.title', { name: data?.name ?? '…' })}</h1>
          {data && (
            <p className="muted">
              <FlowStateBadge enabled={flowEnabled(data)} /> {describeSchedule(i18n, data.scheduleParams)}
            </p>
          )}
        </div>
        {data && (
          <div className="toolbar">
            <button type="button" className="button-primary" onClick={() => setDialog('onDemand')}>
              {t('activity.runOnDemand')}
            </button>
            <button type="button" className="button-secondary" onClick={() => setDialog('backfill')}>
              {t('activity.backfill')}
            </button>
          </div>
        )}
      </div>
      <div className="activity-layout">
        <div>
          <Tabs
            label={t('activity.tabs')}
            idPrefix="activity"
            selected={tab}
            onSelect={(key) => go({ tab: key })}
            items={[
              { key: 'processed', label: t('activity.tab.processed') },
              { key: 'scheduled', label: t('activity.tab.scheduled') },
            ]}
          />
          <TabPanel idPrefix="activity" selected={tab}>
            {tab === 'processed' ? (
              <ProcessedRuns
                flowId={flowId}
                selectedRunId={selectedRunId}
                onSelect={(run) => go({ run })}
                onChanged={refresh}
                refreshKey={refreshKey}
              />
            ) : (
              <ScheduledRuns flowId={flowId} refreshKey={refreshKey} />
            )}
          </TabPanel>
        </div>
        {selectedRunId && (
          <RunDetail
            runId={selectedRunId}
            refreshKey={refreshKey}
            onClose={() => go({ run: null })}
            onChanged={refresh}
          />
        )}
      </div>
      {data && dialog === 'onDemand' && (
        <OnDemandDialog
          flow={data}
          onClose={() => setDialog(null)}
          onCreated={() => {
            setDialog(null);
            refresh();
          }}
        />
      )}
      {data && dialog === 'backfill' && (
        <BackfillDialog
          flow={data}
          onClose={() => setDialog(null)}
          onLaunched={() => {
            setDialog(null);
            refresh();
          }}
        />
      )}
    </section>
  );
}

/** Shows that a flow id is unknown or deleted, in place of an empty activity page. */
function FlowNotFound({ flowId }: { flowId: string }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="activity-title" data-state="not-found">
      <h1 id="activity-title">{t('activity.notFoundTitle')}</h1>
      <p>{t('activity.notFoundText', { id: flowId })}</p>
      <p>
        <Link href="/sources/dataflows">
          <span aria-hidden="true">← </span>
          {t('activity.backToFlows')}
        </Link>
      </p>
    </section>
  );
}
