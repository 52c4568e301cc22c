// The on-demand run dialog. Times are entered in the user's zone and sent with their offset.
// The window is checked against recent runs first, so the user sees an overlap before confirming.

import { useId, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { useLoad } from '../api/hooks.ts';
import type { CreatedRun, Flow, Page, Run, SourceConnection } from '../api/types.ts';
import { DateTimeField } from '../components/DateTimeField.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useNotify } from '../components/Notice.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { fromLocalInput, startOfHour, toLocalInput } from '../time.ts';

/** Recent runs read to find overlaps before creating a run; the server reports any others. */
const overlapCheckRuns = 200;

const timeFields = ['startTime', 'windowStartTime', 'windowEndTime'] as const;
type TimeField = (typeof timeFields)[number];
type Times = Record<TimeField, string>;

export function OnDemandDialog({
  flow,
  onClose,
  onCreated,
}: {
  flow: Flow;
  onClose: () => void;
  onCreated: (run: CreatedRun) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const notify = useNotify();
  const deltaId = useId();
  const now = Date.now();
  const windowEnd = startOfHour(now);
  const [startTime, setStartTime] = useState(toLocalInput(new Date(Math.floor(now / 1000) * 1000)));
  const [windowStartTime, setWindowStartTime] = useState(toLocalInput(windowEnd.getTime() - 3_600_000));
  const [windowEndTime, setWindowEndTime] = useState(toLocalInput(windowEnd));
  const [deltaColumn, setDeltaColumn] = useState(flow.transformations?.deltaColumn?.name ?? '');
  const sourceId = flow.sourceConnectionIds[0] ?? '';
  const source = useLoad(() => api<SourceConnection>(`/sourceConnections/${sourceId}`), sourceId);
  // Table sources read by a delta column; the first run of a flow without one may set it.
  const isTable = source.data?.data.format === 'tabular';
  const deltaFixed = Boolean(flow.transformations?.deltaColumn?.name);
  const [overlaps, setOverlaps] = useState<Run[] | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState<TimeField[]>([]);
  const fieldError = (field: TimeField) => (invalid.includes(field) ? t('common.invalidDateTime') : undefined);

  // A value that fails to convert is not sent, because the server would read it without an offset,
  // in another zone. The field shows an error instead.
  const times = (): Times | null => {
    const converted = {
      startTime: fromLocalInput(startTime),
      windowStartTime: fromLocalInput(windowStartTime),
      windowEndTime: fromLocalInput(windowEndTime),
    };
    const failed = timeFields.filter((field) => converted[field] === null);
    setInvalid(failed);
    return failed.length > 0 ? null : (converted as Times);
  };

  const params = (converted: Times) => ({
    ...converted,
    ...(deltaColumn.trim() ? { deltaColumn: { name: deltaColumn.trim() } } : {}),
  });

  const findOverlaps = async (converted: Times): Promise<Run[]> => {
    const start = Date.parse(converted.windowStartTime);
    const end = Date.parse(converted.windowEndTime);
    if (!(start < end)) return [];
    const runs = await api<Page<Run>>('/runs', {
      query: { property: `flowId==${flow.id}`, limit: overlapCheckRuns },
    });
    return runs.items.filter(
      (run) =>
        !run.superseded &&
        run.status !== 'cancelled' &&
        Date.parse(run.params.windowStartTime) < end &&
        start < Date.parse(run.params.windowEndTime),
    );
  };

  const create = async (converted: Times) => {
    const run = await api<CreatedRun>('/runs', {
      method: 'POST',
      body: { flowId: flow.id, params: params(converted) },
    });
    const created = t('onDemand.created', { start: i18n.dateTime(run.params.startTime) });
    // The server checks every run; the precheck reads only recent ones, so it may find more.
    const unseen = (run.warnings ?? []).filter((warning) => !overlaps?.some((known) => known.id === warning.runId));
    notify(unseen.length > 0 ? `${created} ${t('onDemand.overlapCreated', { count: unseen.length })}` : created);
    onCreated(run);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const converted = times();
    if (!converted) return;

    setBusy(true);
    try {
      if (overlaps === null) {
        const found = await findOverlaps(converted);
        if (found.length > 0) {
          setOverlaps(found);
          return;
        }
      }
      await create(converted);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const windowText = (run: Run) =>
    `${i18n.dateTime(run.params.windowStartTime)} → ${i18n.dateTime(run.params.windowEndTime)}`;

  return (
    <Dialog title={t('onDemand.title', { name: flow.name })} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <p className="muted">{t('onDemand.intro')}</p>
        <DateTimeField
          label={t('onDemand.startTime')}
          value={startTime}
          onChange={setStartTime}
          error={fieldError('startTime')}
          required
        />
        <DateTimeField
          label={t('onDemand.windowStart')}
          value={windowStartTime}
          onChange={(value) => {
            setWindowStartTime(value);
            setOverlaps(null);
          }}
          error={fieldError('windowStartTime')}
          required
        />
        <DateTimeField
          label={t('onDemand.windowEnd')}
          value={windowEndTime}
          onChange={(value) => {
            setWindowEndTime(value);
            setOverlaps(null);
          }}
          error={fieldError('windowEndTime')}
          required
        />
        {isTable && (
          <div className="field">
            <label htmlFor={deltaId}>{t('onDemand.deltaColumn')}</label>
            <input
              id={deltaId}
              value={deltaColumn}
              readOnly={deltaFixed}
              aria-describedby={`${deltaId}-hint`}
              onChange={(event) => setDeltaColumn(event.target.value)}
            />
            <span id={`${deltaId}-hint`} className="hint">
              {t(deltaFixed ? 'onDemand.deltaFixed' : 'onDemand.deltaFirst')}
            </span>
          </div>
        )}
        {overlaps && overlaps.length > 0 && (
          <div className="alert alert-warning" role="alert">
            <p>
              <strong>{t('onDemand.overlapTitle')}</strong>
            </p>
            <p>{t('onDemand.overlapText')}</p>
            <ul>
              {overlaps.slice(0, 10).map((run) => (
                <li key={run.id}>
                  {t('onDemand.overlapRun', {
                    id: run.id,
                    window: windowText(run),
                    status: t(`run.status.${run.status}`),
                  })}
                </li>
              ))}
            </ul>
          </div>
        )}
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" className="button-secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button-primary" disabled={busy}>
            {overlaps && overlaps.length > 0 ? t('onDemand.confirm') : t('onDemand.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
