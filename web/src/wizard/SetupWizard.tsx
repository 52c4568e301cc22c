// The guided setup: account → source connection → dataset with its mapping → dataflow with its
// schedule → review. The account is created at its own step because browsing the source needs it.
// The rest is created at the review, and a retry after a failed request reuses what exists.

import { useCallback, useState } from 'react';
import { api } from '../api/client.ts';
import { useLoad } from '../api/hooks.ts';
import type { Connection, ConnectionSpec, Dataset, Flow, Page, SourceConnection } from '../api/types.ts';
import { navigate, useLocation } from '../app/router.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useNotify } from '../components/Notice.tsx';
import { newScheduleParams, scheduleFormOf } from '../flows/ScheduleFields.tsx';
import { describeSchedule } from '../flows/schedule.ts';
import { useDocumentTitle } from '../components/useDocumentTitle.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { specName } from '../sources/spec-text.ts';
import { AccountStep } from './AccountStep.tsx';
import { DatasetStep } from './DatasetStep.tsx';
import { FlowStep } from './FlowStep.tsx';
import { fieldsOf, rulesOf } from './mapping.ts';
import { SourceStep } from './SourceStep.tsx';
import { defaultFileOptions, sourceConnectionBody, steps, type StepKey, type WizardState } from './state.ts';

async function loadChoices() {
  const [specs, accounts] = await Promise.all([
    api<Page<ConnectionSpec>>('/connectionSpecs'),
    api<Page<Connection>>('/connections', { query: { limit: 500 } }),
  ]);
  return { specs: specs.items, accounts: accounts.items };
}

const initialState: WizardState = {
  account: null,
  spec: null,
  selected: null,
  preview: null,
  sourceName: '',
  file: defaultFileOptions,
  datasetName: '',
  mapping: [],
  primaryKey: '',
  flowName: '',
  schedule: scheduleFormOf(),
  errorThreshold: '5',
  deltaColumn: '',
};

export function SetupWizard() {
  const { t } = useI18n();
  const { search } = useLocation();
  const choices = useLoad(loadChoices, 'wizard-choices');
  const [step, setStep] = useState<StepKey>('account');
  const [state, setState] = useState<WizardState>(initialState);
  const change = useCallback((patch: Partial<WizardState>) => setState((current) => ({ ...current, ...patch })), []);
  const index = steps.indexOf(step);
  useDocumentTitle(`${t(`wizard.step.${step}`)} · ${t('wizard.title')}`);
  const go = (offset: number) => setStep(steps[index + offset]!);

  return (
    <section aria-labelledby="wizard-title" className="wizard">
      <h1 id="wizard-title">{t('wizard.title')}</h1>
      <ol className="steps" aria-label={t('wizard.steps')}>
        {steps.map((key, at) => (
          <li
            key={key}
            aria-current={key === step ? 'step' : undefined}
            className={at < index ? 'step-done' : undefined}
          >
            <span className="step-number">{at + 1}</span> {t(`wizard.step.${key}`)}
          </li>
        ))}
      </ol>
      <ErrorMessage error={choices.error} />
      {choices.loading && !choices.data && <p>{t('common.loading')}</p>}
      <div className="card wizard-body">
        {choices.data && step === 'account' && (
          <AccountStep
            specs={choices.data.specs}
            accounts={choices.data.accounts}
            initialSpecId={search.get('spec')}
            initialAccountId={state.account?.id ?? search.get('account')}
            onDone={(account, spec) => {
              const sameAccount = state.account?.id === account.id;
              change(sameAccount ? { account, spec } : { ...initialState, account, spec });
              go(1);
            }}
          />
        )}
        {step === 'source' && state.account && (
          <SourceStep
            state={state}
            onChange={change}
            onBack={() => go(-1)}
            onNext={() => {
              change({
                datasetName: state.datasetName || state.sourceName.replace(/\.[^.]+$/, ''),
                flowName: state.flowName || state.sourceName,
              });
              go(1);
            }}
          />
        )}
        {step === 'dataset' && (
          <DatasetStep state={state} onChange={change} onBack={() => go(-1)} onNext={() => go(1)} />
        )}
        {step === 'dataflow' && <FlowStep state={state} onChange={change} onBack={() => go(-1)} onNext={() => go(1)} />}
        {step === 'review' && <ReviewStep state={state} onBack={() => go(-1)} />}
      </div>
    </section>
  );
}

function ReviewStep({ state, onBack }: { state: WizardState; onBack: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const notify = useNotify();
  const [created, setCreated] = useState<{ source?: SourceConnection; dataset?: Dataset }>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const fields = fieldsOf(state.mapping, state.primaryKey);
  const scheduleParams = newScheduleParams(state.schedule);

  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const source =
        created.source ??
        (await api<SourceConnection>('/sourceConnections', { method: 'POST', body: sourceConnectionBody(state) }));
      setCreated((current) => ({ ...current, source }));

      const dataset =
        created.dataset ??
        (await api<Dataset>('/datasets', {
          method: 'POST',
          body: {
            name: state.datasetName,
            schema: { fields },
            ...(state.primaryKey ? { primaryKey: [state.primaryKey] } : {}),
          },
        }));
      setCreated((current) => ({ ...current, dataset }));

      const flow = await api<Flow>('/flows', {
        method: 'POST',
        body: {
          name: state.flowName,
          sourceConnectionIds: [source.id],
          targetDatasetId: dataset.id,
          transformations: {
            mapping: rulesOf(state.mapping),
            ...(state.deltaColumn ? { deltaColumn: { name: state.deltaColumn } } : {}),
          },
          scheduleParams,
          options: { errorThresholdPercent: Number(state.errorThreshold) },
        },
      });
      notify(t('wizard.created', { name: flow.name }));
      navigate(`/flows/${flow.id}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const source = state.spec?.sourceKind === 'table' ? state.selected?.path : state.file.pattern;
  return (
    <div className="form">
      <p>{t('wizard.review')}</p>
      <dl className="facts facts-wide">
        <dt>{t('wizard.step.account')}</dt>
        <dd>
          {state.account?.name} ({specName(i18n, state.spec ?? undefined)})
        </dd>
        <dt>{t('wizard.step.source')}</dt>
        <dd>
          {state.sourceName} — <code>{source}</code>
          {state.spec?.sourceKind !== 'table' && ` (${t(`wizard.format.${state.file.format}`)})`}
        </dd>
        <dt>{t('wizard.step.dataset')}</dt>
        <dd>
          {state.datasetName} — {fields.map((field) => `${field.name} (${field.type})`).join(', ')}
          {state.primaryKey &&
            ` — ${t('common.labelValue', { label: t('wizard.primaryKey'), value: state.primaryKey })}`}
        </dd>
        <dt>{t('wizard.step.dataflow')}</dt>
        <dd>
          {state.flowName} — {describeSchedule(i18n, scheduleParams as never)}
          {state.deltaColumn &&
            ` — ${t('common.labelValue', { label: t('wizard.deltaColumn'), value: state.deltaColumn })}`}
        </dd>
        <dt>{t('wizard.errorThreshold')}</dt>
        <dd>{i18n.number(Number(state.errorThreshold))}</dd>
      </dl>
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" className="button-secondary" onClick={onBack}>
          {t('common.back')}
        </button>
        <button type="button" className="button-primary" disabled={busy} onClick={() => void create()}>
          {t('wizard.createFlow')}
        </button>
      </div>
    </div>
  );
}
