import { useId, useState, type FormEvent } from 'react';
import { api, session } from '../api/client.ts';
import type { Page, Sandbox } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useDocumentTitle } from '../components/useDocumentTitle.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useI18n();
  const tokenId = useId();
  useDocumentTitle(t('signIn.title'));
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [checking, setChecking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecking(true);
    setError(undefined);
    try {
      // The sandbox list is the cheapest call that proves the token works.
      session.setSandbox(null);
      await api<Page<Sandbox>>('/sandboxes', { token: token.trim() });
      session.setToken(token.trim());
      onSignedIn();
    } catch (caught) {
      setError(caught);
    } finally {
      setChecking(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <form className="card sign-in-card" onSubmit={submit}>
        <div className="sign-in-top">
          <h1>{t('signIn.title')}</h1>
          <LanguageSwitch />
        </div>
        <p className="muted">{t('signIn.intro')}</p>
        <div className="field">
          <label htmlFor={tokenId}>{t('signIn.token')}</label>
          <input
            id={tokenId}
            type="password"
            autoComplete="current-password"
            required
            value={token}
            onChange={(event) => setToken(event.target.value)}
          />
        </div>
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="submit" className="button-primary" disabled={checking}>
            {checking ? t('signIn.checking') : t('signIn.submit')}
          </button>
        </div>
      </form>
    </main>
  );
}
