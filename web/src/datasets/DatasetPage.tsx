// One dataset: its schema, its batches and a preview of its rows.

import { useState } from 'react';
import { api, download } from '../api/client.ts';
import { useLoad } from '../api/hooks.ts';
import type { Batch, Dataset, Page } from '../api/types.ts';
import { Link } from '../app/router.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useDocumentTitle } from '../components/useDocumentTitle.ts';
import { useI18n, type I18n } from '../i18n/i18n.tsx';

const previewRows = 50;

export function DatasetPage({ datasetId }: { datasetId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const dataset = useLoad(() => api<Dataset>(`/datasets/${datasetId}`), datasetId);
  const batches = useLoad(
    () => api<Page<Batch>>(`/datasets/${datasetId}/batches`, { query: { limit: 50 } }),
    datasetId,
  );
  const rows = useLoad(
    () => api<Page<Record<string, unknown>>>(`/datasets/${datasetId}/rows`, { query: { limit: previewRows } }),
    datasetId,
  );

  const [exportError, setExportError] = useState<unknown>();
  const fields = dataset.data?.schema.fields ?? [];
  useDocumentTitle(dataset.data?.name ?? t('datasets.title'));

  const exportAs = (format: 'csv' | 'ndjson', batchId?: string) => {
    setExportError(undefined);
    const name = `${dataset.data?.name ?? datasetId}${batchId ? `-${batchId}` : ''}.${format}`;
    download(`/datasets/${datasetId}/export`, { format, batchId }, name).catch(setExportError);
  };
  return (
    <section aria-labelledby="dataset-title">
      <p>
        <Link href="/datasets">
          <span aria-hidden="true">← </span>
          {t('datasets.back')}
        </Link>
      </p>
      <h1 id="dataset-title">{dataset.data?.name ?? '…'}</h1>
      <ErrorMessage error={dataset.error} />
      {dataset.data && (
        <p className="muted">
          {t('common.labelValue', { label: t('datasets.rows'), value: i18n.number(dataset.data.stats?.rowCount) })} ·{' '}
          {t('common.labelValue', { label: t('datasets.batches'), value: i18n.number(dataset.data.stats?.batchCount) })}
        </p>
      )}

      <div className="toolbar">
        <button type="button" className="button-secondary" onClick={() => exportAs('csv')}>
          {t('datasets.exportCsv')}
        </button>
        <button type="button" className="button-secondary" onClick={() => exportAs('ndjson')}>
          {t('datasets.exportNdjson')}
        </button>
      </div>
      <ErrorMessage error={exportError} />

      <h2>{t('datasets.schema')}</h2>
      {fields.length > 0 && (
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{t('common.name')}</th>
              <th scope="col">{t('common.type')}</th>
              <th scope="col">{t('wizard.fieldRequired')}</th>
              <th scope="col">{t('datasets.primaryKey')}</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((field) => (
              <tr key={field.name}>
                <td>
                  <code>{field.name}</code>
                </td>
                <td>{field.type}</td>
                <td>{t(field.required ? 'common.yes' : 'common.no')}</td>
                <td>{t(dataset.data?.primaryKey?.includes(field.name) ? 'common.yes' : 'common.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('datasets.batches')}</h2>
      <ErrorMessage error={batches.error} />
      {batches.data && batches.data.items.length === 0 && <p className="muted">{t('common.empty')}</p>}
      {batches.data && batches.data.items.length > 0 && (
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{t('datasets.batch')}</th>
              <th scope="col">{t('datasets.run')}</th>
              <th scope="col">{t('common.status')}</th>
              <th scope="col" className="numeric">
                {t('datasets.records')}
              </th>
              <th scope="col">{t('datasets.committedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {batches.data.items.map((batch) => (
              <tr key={batch.id}>
                <td>
                  <code>{batch.id}</code>
                </td>
                <td>
                  <code>{batch.runId}</code>
                </td>
                <td>{i18n.lookup(`datasets.batchStatus.${batch.status}`) ?? batch.status}</td>
                <td className="numeric">{i18n.number(batch.recordCount)}</td>
                <td>{i18n.dateTime(batch.committedAt ?? batch.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('datasets.preview', { count: previewRows })}</h2>
      <ErrorMessage error={rows.error} />
      {rows.data && rows.data.items.length === 0 && <p className="muted">{t('datasets.noRows')}</p>}
      {rows.data && rows.data.items.length > 0 && (
        <div className="table-scroll">
          <table className="table table-compact">
            <thead>
              <tr>
                {fields.map((field) => (
                  <th scope="col" key={field.name} className={isNumeric(field.type) ? 'numeric' : undefined}>
                    {field.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.data.items.map((row, index) => (
                <tr key={index}>
                  {fields.map((field) => (
                    <td key={field.name} className={isNumeric(field.type) ? 'numeric' : undefined}>
                      {cellText(i18n, row[field.name], field.type)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function isNumeric(type: string): boolean {
  return type === 'integer' || type === 'number';
}

function cellText(i18n: I18n, value: unknown, type: string): string {
  if (value === null || value === undefined) return '';
  if (type === 'datetime' && typeof value === 'string') return i18n.dateTime(value);
  if (typeof value === 'number') return i18n.number(value);
  if (typeof value === 'boolean') return i18n.t(value ? 'common.yes' : 'common.no');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
