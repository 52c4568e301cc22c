import { navigate } from '../app/router.tsx';
import { TabPanel, Tabs } from '../components/Tabs.tsx';
import { useDocumentTitle } from '../components/useDocumentTitle.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { AccountsTab } from './AccountsTab.tsx';
import { CatalogTab } from './CatalogTab.tsx';
import { DataflowsTab } from './DataflowsTab.tsx';

export type SourcesTab = 'catalog' | 'accounts' | 'dataflows';

export function SourcesPage({ tab }: { tab: SourcesTab }) {
  const { t } = useI18n();
  useDocumentTitle(`${t(`sources.tab.${tab}`)} · ${t('sources.title')}`);

  return (
    <section aria-labelledby="sources-title">
      <h1 id="sources-title">{t('sources.title')}</h1>
      <Tabs
        label={t('sources.tabs')}
        idPrefix="sources"
        selected={tab}
        onSelect={(key) => navigate(`/sources/${key}`)}
        items={[
          { key: 'catalog', label: t('sources.tab.catalog') },
          { key: 'accounts', label: t('sources.tab.accounts') },
          { key: 'dataflows', label: t('sources.tab.dataflows') },
        ]}
      />
      <TabPanel idPrefix="sources" selected={tab}>
        {tab === 'catalog' && <CatalogTab />}
        {tab === 'accounts' && <AccountsTab />}
        {tab === 'dataflows' && <DataflowsTab />}
      </TabPanel>
    </section>
  );
}
