import { useState } from 'react';
import { api } from '../api/client.ts';
import { useLoad } from '../api/hooks.ts';
import type { Connection, ConnectionSpec, Page } from '../api/types.ts';
import { navigate } from '../app/router.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useNotify } from '../components/Notice.tsx';
import { RowMenu } from '../components/RowMenu.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { specName } from './spec-text.ts';

export function AccountsTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const notify = useNotify();
  const accounts = useLoad(() => api<Page<Connection>>('/connections', { query: { limit: 500 } }), 'accounts');
  const specs = useLoad(() => api<Page<ConnectionSpec>>('/connectionSpecs'), 'specs');
  const [error, setError] = useState<unknown>();
  const [deleting, setDeleting] = useState<Connection | null>(null);

  const specLabel = (id: string) =>
    specName(
      i18n,
      specs.data?.items.find((spec) => spec.id === id),
      id,
    );

  const test = async (account: Connection) => {
    setError(undefined);
    try {
      await api(`/connections/${account.id}/test`, { method: 'POST', body: {} });
      notify(`${account.name}: ${t('accounts.testOk')}`);
    } catch (caught) {
      setError(caught);
    }
  };

  const remove = async (account: Connection) => {
    setError(undefined);
    try {
      await api(`/connections/${account.id}`, { method: 'DELETE' });
      notify(t('common.deleted', { name: account.name }));
      accounts.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <div>
      <div className="toolbar">
        <button type="button" className="button-primary" onClick={() => navigate('/sources/catalog')}>
          {t('accounts.addSource')}
        </button>
      </div>
      <ErrorMessage error={error ?? accounts.error} />
      {accounts.loading && !accounts.data && <p>{t('common.loading')}</p>}
      {accounts.data && accounts.data.items.length === 0 && <p className="muted">{t('common.empty')}</p>}
      {accounts.data && accounts.data.items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('common.name')}</th>
              <th scope="col">{t('accounts.connector')}</th>
              <th scope="col">{t('common.created')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {accounts.data.items.map((account) => (
              <tr key={account.id}>
                <td>{account.name}</td>
                <td>{specLabel(account.connectionSpec.id)}</td>
                <td>{i18n.dateTime(account.createdAt)}</td>
                <td className="cell-actions">
                  <RowMenu
                    label={t('common.rowActions', { name: account.name })}
                    actions={[
                      {
                        label: t('accounts.addSource'),
                        onSelect: () => navigate(`/sources/new?account=${encodeURIComponent(account.id)}`),
                      },
                      { label: t('accounts.test'), onSelect: () => void test(account) },
                      { label: t('common.delete'), danger: true, onSelect: () => setDeleting(account) },
                    ]}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deleting && (
        <ConfirmDialog
          message={t('common.confirmDelete', { name: deleting.name })}
          confirmLabel={t('common.delete')}
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const account = deleting;
            setDeleting(null);
            void remove(account);
          }}
        />
      )}
    </div>
  );
}
