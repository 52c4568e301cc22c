import { api } from '../api/client.ts';
import { useLoad } from '../api/hooks.ts';
import type { Dataset, Page } from '../api/types.ts';
import { Link } from '../app/router.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useDocumentTitle } from '../components/useDocumentTitle.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function DatasetsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  useDocumentTitle(t('datasets.title'));
  const datasets = useLoad(() => api<Page<Dataset>>('/datasets', { query: { limit: 500 } }), 'datasets');

  return (
    <section aria-labelledby="datasets-title">
      <h1 id="datasets-title">{t('datasets.title')}</h1>
      <ErrorMessage error={datasets.error} />
      {datasets.loading && !datasets.data && <p>{t('common.loading')}</p>}
      {datasets.data && datasets.data.items.length === 0 && <p className="muted">{t('common.empty')}</p>}
      {datasets.data && datasets.data.items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('common.name')}</th>
              <th scope="col" className="numeric">
                {t('datasets.fields')}
              </th>
              <th scope="col">{t('datasets.primaryKey')}</th>
              <th scope="col" className="numeric">
                {t('datasets.rows')}
              </th>
              <th scope="col" className="numeric">
                {t('datasets.batches')}
              </th>
              <th scope="col">{t('common.created')}</th>
            </tr>
          </thead>
          <tbody>
            {datasets.data.items.map((dataset) => (
              <tr key={dataset.id}>
                <td>
                  <Link href={`/datasets/${dataset.id}`}>{dataset.name}</Link>
                </td>
                <td className="numeric">{i18n.number(dataset.schema.fields.length)}</td>
                <td>{dataset.primaryKey?.join(', ') || '—'}</td>
                <td className="numeric">{i18n.number(dataset.stats?.rowCount)}</td>
                <td className="numeric">{i18n.number(dataset.stats?.batchCount)}</td>
                <td>{i18n.dateTime(dataset.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
