import { api } from '../api/client.ts';
import { useLoad } from '../api/hooks.ts';
import type { ConnectionSpec, Page } from '../api/types.ts';
import { navigate } from '../app/router.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { specDescription, specName } from './spec-text.ts';

export function CatalogTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const specs = useLoad(() => api<Page<ConnectionSpec>>('/connectionSpecs'), 'specs');

  return (
    <div>
      <p className="muted">{t('catalog.intro')}</p>
      <ErrorMessage error={specs.error} />
      {specs.loading && !specs.data && <p>{t('common.loading')}</p>}
      <ul className="card-grid">
        {specs.data?.items.map((spec) => (
          <li key={spec.id} className="card spec-card">
            <h2 className="card-title">{specName(i18n, spec)}</h2>
            <p className="tag">{t(spec.sourceKind === 'table' ? 'catalog.kind.table' : 'catalog.kind.file')}</p>
            <p className="muted">{specDescription(i18n, spec)}</p>
            <button
              type="button"
              className="button-secondary"
              aria-label={t('common.labelValue', { label: t('catalog.setUp'), value: specName(i18n, spec) })}
              onClick={() => navigate(`/sources/new?spec=${encodeURIComponent(spec.id)}`)}
            >
              {t('catalog.setUp')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
