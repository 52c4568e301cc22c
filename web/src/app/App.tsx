// The application shell: sign-in gate, header with navigation, sandbox and language, and routes.

import { useEffect, useId, useState } from 'react';
import { api, ApiError, session } from '../api/client.ts';
import { useLoad } from '../api/hooks.ts';
import type { Page, Sandbox } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { DatasetPage } from '../datasets/DatasetPage.tsx';
import { DatasetsPage } from '../datasets/DatasetsPage.tsx';
import { FlowActivityPage } from '../flows/FlowActivityPage.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { SourcesPage, type SourcesTab } from '../sources/SourcesPage.tsx';
import { SetupWizard } from '../wizard/SetupWizard.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { Link, navigate, useLocation } from './router.tsx';
import { SignIn } from './SignIn.tsx';

export function App() {
  const [signedIn, setSignedIn] = useState(() => session.token() !== null);

  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  return (
    <Shell
      onSignOut={() => {
        session.setToken(null);
        setSignedIn(false);
      }}
    />
  );
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const { t } = useI18n();
  const { path } = useLocation();
  const [sandbox, setSandbox] = useState(() => session.sandbox() ?? '');
  const sandboxes = useLoad(() => api<Page<Sandbox>>('/sandboxes'), 'sandboxes');

  useEffect(() => {
    const error = sandboxes.error;
    if (!(error instanceof ApiError)) return;
    if (error.code === 'UNAUTHENTICATED') onSignOut();

    // A remembered sandbox that was deleted: fall back to the default one.
    if (error.code === 'SANDBOX_NOT_FOUND' && session.sandbox()) {
      session.setSandbox(null);
      setSandbox('');
      sandboxes.reload();
    }
  }, [sandboxes, onSignOut]);

  const chooseSandbox = (name: string) => {
    session.setSandbox(name || null);
    setSandbox(name);
  };

  const section = path.startsWith('/datasets') ? 'datasets' : 'sources';

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <Link href="/sources/dataflows" className="brand">
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.main')} className="main-nav">
          <Link href="/sources/dataflows" aria-current={section === 'sources' ? 'page' : undefined}>
            {t('nav.sources')}
          </Link>
          <Link href="/datasets" aria-current={section === 'datasets' ? 'page' : undefined}>
            {t('nav.datasets')}
          </Link>
        </nav>
        <div className="header-tools">
          <SandboxSwitch sandboxes={sandboxes.data?.items ?? []} value={sandbox} onChange={chooseSandbox} />
          <LanguageSwitch />
          <button type="button" className="button-quiet" onClick={onSignOut}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" className="app-main" key={sandbox}>
        {sandboxes.error !== undefined && <ErrorMessage error={sandboxes.error} />}
        <Routes path={path} />
      </main>
    </>
  );
}

function SandboxSwitch({
  sandboxes,
  value,
  onChange,
}: {
  sandboxes: Sandbox[];
  value: string;
  onChange: (name: string) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const fallback = sandboxes.find((sandbox) => sandbox.isDefault)?.name ?? sandboxes[0]?.name ?? '';

  return (
    <div className="field-compact">
      <label htmlFor={id}>{t('nav.sandbox')}</label>
      <select id={id} value={value || fallback} onChange={(event) => onChange(event.target.value)}>
        {sandboxes.map((sandbox) => (
          <option key={sandbox.name} value={sandbox.name}>
            {sandbox.title && sandbox.title !== sandbox.name ? `${sandbox.title} (${sandbox.name})` : sandbox.name}
          </option>
        ))}
      </select>
    </div>
  );
}

const sourcesTabs: SourcesTab[] = ['catalog', 'accounts', 'dataflows'];

function Routes({ path }: { path: string }) {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);

  useEffect(() => {
    if (segments.length === 0) navigate('/sources/dataflows', { replace: true });
  }, [segments.length]);

  const [first, second] = segments;
  if (first === 'sources' && second === 'new') return <SetupWizard />;
  if (first === 'sources') {
    const tab = sourcesTabs.includes(second as SourcesTab) ? (second as SourcesTab) : 'dataflows';
    return <SourcesPage tab={tab} />;
  }
  if (first === 'flows' && second) return <FlowActivityPage flowId={second} />;
  if (first === 'datasets' && second) return <DatasetPage datasetId={second} />;
  if (first === 'datasets') return <DatasetsPage />;
  return null;
}
