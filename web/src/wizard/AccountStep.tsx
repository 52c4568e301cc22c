import { useId, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { Connection, ConnectionSpec } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useNotify } from '../components/Notice.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { specName } from '../sources/spec-text.ts';
import { initialValues, paramsOf, SchemaForm, type FormValues } from './SchemaForm.tsx';

const newAccount = '__new__';

export function AccountStep({
  specs,
  accounts,
  initialSpecId,
  initialAccountId,
  onDone,
}: {
  specs: ConnectionSpec[];
  accounts: Connection[];
  initialSpecId: string | null;
  initialAccountId: string | null;
  onDone: (account: Connection, spec: ConnectionSpec) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const notify = useNotify();
  const ids = { account: useId(), spec: useId(), name: useId() };
  const [choice, setChoice] = useState(() => {
    if (initialAccountId) return initialAccountId;
    if (initialSpecId || accounts.length === 0) return newAccount;
    return accounts[0]!.id;
  });
  const [specId, setSpecId] = useState(initialSpecId ?? specs[0]?.id ?? '');
  const spec = specs.find((item) => item.id === specId);
  const [name, setName] = useState('');
  const [values, setValues] = useState<FormValues>(() => (spec ? initialValues(spec) : {}));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const chooseSpec = (id: string) => {
    setSpecId(id);
    const next = specs.find((item) => item.id === id);
    setValues(next ? initialValues(next) : {});
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (choice !== newAccount) {
      const account = accounts.find((item) => item.id === choice);
      const accountSpec = specs.find((item) => item.id === account?.connectionSpec.id);
      if (account && accountSpec) onDone(account, accountSpec);
      return;
    }
    if (!spec) return;

    setBusy(true);
    try {
      const account = await api<Connection>('/connections', {
        method: 'POST',
        body: { name, connectionSpec: { id: spec.id }, auth: { params: paramsOf(spec, values) } },
      });
      notify(t('wizard.accountCreated', { name: account.name }));
      onDone(account, spec);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={ids.account}>{t('wizard.useAccount')}</label>
        <select id={ids.account} value={choice} onChange={(event) => setChoice(event.target.value)}>
          {accounts.map((account) => (
            <option key={account.id} value={account.id}>
              {`${account.name} (${specName(
                i18n,
                specs.find((item) => item.id === account.connectionSpec.id),
                account.connectionSpec.id,
              )})`}
            </option>
          ))}
          <option value={newAccount}>{t('wizard.newAccount')}</option>
        </select>
      </div>
      {choice === newAccount && (
        <fieldset className="fieldset">
          <legend>{t('wizard.newAccount')}</legend>
          <div className="field">
            <label htmlFor={ids.spec}>{t('wizard.connector')}</label>
            <select id={ids.spec} value={specId} onChange={(event) => chooseSpec(event.target.value)}>
              {specs.map((item) => (
                <option key={item.id} value={item.id}>
                  {specName(i18n, item)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.name}>{t('wizard.accountName')}</label>
            <input id={ids.name} required value={name} onChange={(event) => setName(event.target.value)} />
          </div>
          {spec && <SchemaForm spec={spec} values={values} onChange={setValues} />}
        </fieldset>
      )}
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {choice === newAccount ? t('wizard.createAccount') : t('common.next')}
        </button>
      </div>
    </form>
  );
}
