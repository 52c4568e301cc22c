import { useState } from 'react';
import { api } from '../api/client.ts';
import { useLoad } from '../api/hooks.ts';
import type { Dataset, Flow, Page, SourceConnection } from '../api/types.ts';
import { Link, navigate } from '../app/router.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useNotify } from '../components/Notice.tsx';
import { RowMenu } from '../components/RowMenu.tsx';
import { FlowStateBadge, RunStatusBadge } from '../components/StatusBadge.tsx';
import { EditScheduleDialog } from '../flows/EditScheduleDialog.tsx';
import { OnDemandDialog } from '../flows/OnDemandDialog.tsx';
import { describeSchedule, flowEnabled } from '../flows/schedule.ts';
import { useI18n } from '../i18n/i18n.tsx';

interface FlowRows {
  flows: Flow[];
  sources: Map<string, SourceConnection>;
  datasets: Map<string, Dataset>;
}

async function loadFlowRows(): Promise<FlowRows> {
  const [flows, sources, datasets] = await Promise.all([
    api<Page<Flow>>('/flows', { query: { limit: 500 } }),
    api<Page<SourceConnection>>('/sourceConnections', { query: { limit: 500 } }),
    api<Page<Dataset>>('/datasets', { query: { limit: 500 } }),
  ]);
  return {
    flows: flows.items,
    sources: new Map(sources.items.map((source) => [source.id, source])),
    datasets: new Map(datasets.items.map((dataset) => [dataset.id, dataset])),
  };
}

type Open = { kind: 'onDemand' | 'schedule' | 'delete'; flow: Flow } | null;

export function DataflowsTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const notify = useNotify();
  const rows = useLoad(loadFlowRows, 'flows');
  const [open, setOpen] = useState<Open>(null);
  const [error, setError] = useState<unknown>();

  const setEnabled = async (flow: Flow, enabled: boolean) => {
    setError(undefined);
    try {
      await api(`/flows/${flow.id}/action`, { method: 'POST', query: { op: enabled ? 'enable' : 'disable' } });
      notify(t(enabled ? 'flows.enabled' : 'flows.disabled', { name: flow.name }));
      rows.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  const remove = async (flow: Flow) => {
    setError(undefined);
    try {
      await api(`/flows/${flow.id}`, { method: 'DELETE' });
      notify(t('common.deleted', { name: flow.name }));
      rows.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  const data = rows.data;
  return (
    <div>
      <div className="toolbar">
        <button type="button" className="button-primary" onClick={() => navigate('/sources/new')}>
          {t('flows.new')}
        </button>
        <button type="button" className="button-quiet" onClick={rows.reload}>
          {t('common.refresh')}
        </button>
      </div>
      <ErrorMessage error={error ?? rows.error} />
      {rows.loading && !data && <p>{t('common.loading')}</p>}
      {data && data.flows.length === 0 && <p className="muted">{t('common.empty')}</p>}
      {data && data.flows.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('common.name')}</th>
              <th scope="col">{t('common.status')}</th>
              <th scope="col">{t('flows.source')}</th>
              <th scope="col">{t('flows.dataset')}</th>
              <th scope="col">{t('flows.schedule')}</th>
              <th scope="col">{t('flows.lastRun')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.flows.map((flow) => {
              const enabled = flowEnabled(flow);
              const source = data.sources.get(flow.sourceConnectionIds[0] ?? '');
              const dataset = data.datasets.get(flow.targetDatasetId);
              const lastRun = flow.lastRun;
              return (
                <tr key={flow.id} data-flow-id={flow.id}>
                  <td>
                    <Link href={`/flows/${flow.id}`}>{flow.name}</Link>
                  </td>
                  <td>
                    <FlowStateBadge enabled={enabled} />
                  </td>
                  <td>{source?.name ?? flow.sourceConnectionIds[0] ?? '—'}</td>
                  <td>
                    {dataset ? <Link href={`/datasets/${dataset.id}`}>{dataset.name}</Link> : flow.targetDatasetId}
                  </td>
                  <td>{describeSchedule(i18n, flow.scheduleParams)}</td>
                  <td>
                    {lastRun ? (
                      <span className="stack">
                        <RunStatusBadge status={lastRun.status} />
                        <span className="muted small">{i18n.dateTime(lastRun.completedAt ?? lastRun.createdAt)}</span>
                      </span>
                    ) : (
                      <span className="muted">{t('flows.neverRun')}</span>
                    )}
                  </td>
                  <td className="cell-actions">
                    <RowMenu
                      label={t('common.rowActions', { name: flow.name })}
                      actions={[
                        { label: t('flows.menu.runOnDemand'), onSelect: () => setOpen({ kind: 'onDemand', flow }) },
                        { label: t('flows.menu.editSchedule'), onSelect: () => setOpen({ kind: 'schedule', flow }) },
                        enabled
                          ? { label: t('flows.menu.disable'), onSelect: () => void setEnabled(flow, false) }
                          : { label: t('flows.menu.enable'), onSelect: () => void setEnabled(flow, true) },
                        {
                          label: t('flows.menu.delete'),
                          danger: true,
                          onSelect: () => setOpen({ kind: 'delete', flow }),
                        },
                      ]}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {open?.kind === 'onDemand' && (
        <OnDemandDialog
          flow={open.flow}
          onClose={() => setOpen(null)}
          onCreated={() => {
            setOpen(null);
            rows.reload();
          }}
        />
      )}
      {open?.kind === 'schedule' && (
        <EditScheduleDialog
          flow={open.flow}
          onClose={() => setOpen(null)}
          onSaved={() => {
            setOpen(null);
            rows.reload();
          }}
        />
      )}
      {open?.kind === 'delete' && (
        <ConfirmDialog
          message={t('common.confirmDelete', { name: open.flow.name })}
          confirmLabel={t('common.delete')}
          onCancel={() => setOpen(null)}
          onConfirm={() => {
            const flow = open.flow;
            setOpen(null);
            void remove(flow);
          }}
        />
      )}
    </div>
  );
}
