import { Command } from 'commander';
import { statusListArgument, timeArgument } from '../arguments.ts';
import { handler, withCommonOptions, type CliIo, type CommandContext } from '../context.ts';
import type { Translator } from '../i18n/index.ts';
import { formatBytes, formatDetails, formatDuration, formatTable, formatTime } from '../output.ts';
import type { Flow } from './flows.ts';
import { fetchPages, type ListFlags } from './pages.ts';
import { watchRun } from './watch.ts';

/** A flow run as the API returns it; only the members the CLI reads. */
export interface Run {
  id: string;
  flowId: string;
  status: 'scheduled' | 'inProgress' | 'success' | 'failed' | 'cancelled';
  trigger?: string;
  retryOf?: string | null;
  superseded?: boolean;
  attempt?: number;
  params: { startTime?: string; windowStartTime?: string; windowEndTime?: string; deltaColumn?: unknown };
  metrics?: {
    durationSummary?: { startedAt?: string | null; completedAt?: string | null; durationMs?: number | null };
    recordSummary?: { inputRecordCount?: number; outputRecordCount?: number; failedRecordCount?: number };
    sizeSummary?: { inputBytes?: number; outputBytes?: number };
    fileSummary?: { inputFileCount?: number };
    progress?: { recordsRead?: number; bytesRead?: number; totalBytes?: number | null };
  };
  errors?: { code: string; message: string }[];
  createdAt?: string;
}

interface CreatedRun extends Run {
  warnings?: { runId?: string; id?: string; windowStartTime?: string; windowEndTime?: string; message?: string }[];
}

export interface RowError {
  origin?: string;
  rowNumber?: number;
  field?: string | null;
  code: string;
  message: string;
  rawValue?: string | null;
}

export function runsCommand(io: CliIo, t: Translator): Command {
  const runs = new Command('runs').description(t.t('cmd.runs'));

  withCommonOptions(runs.command('list').description(t.t('cmd.runs.list')), t, { quiet: true })
    .option('--flow <flowId>', t.t('opt.flow'))
    .option('--status <statuses>', t.t('opt.status'))
    .option('--limit <n>', t.t('opt.limit'))
    .option('--all', t.t('opt.all'))
    .action(handler(io, listRuns));

  withCommonOptions(runs.command('get').description(t.t('cmd.runs.get')), t)
    .argument('<runId>', t.t('arg.runId'))
    .action(handler(io, getRun));

  withCommonOptions(runs.command('create').description(t.t('cmd.runs.create')), t, { quiet: true })
    .requiredOption('--flow <flowId>', t.t('opt.flow'))
    .requiredOption('--start <time>', t.t('opt.start'))
    .requiredOption('--window-start <time>', t.t('opt.windowStart'))
    .requiredOption('--window-end <time>', t.t('opt.windowEnd'))
    .option('--delta-column <name>', t.t('opt.deltaColumn'))
    .option('--idempotency-key <key>', t.t('opt.idempotencyKey'))
    .option('--watch', t.t('opt.watch'))
    .option('--interval-ms <ms>', t.t('opt.intervalMs'))
    .action(handler(io, createRun));

  withCommonOptions(runs.command('retry').description(t.t('cmd.runs.retry')), t, { quiet: true })
    .argument('<runId>', t.t('arg.runId'))
    .option('--watch', t.t('opt.watch'))
    .option('--interval-ms <ms>', t.t('opt.intervalMs'))
    .action(handler(io, retryRun));

  withCommonOptions(runs.command('cancel').description(t.t('cmd.runs.cancel')), t)
    .argument('<runId>', t.t('arg.runId'))
    .action(handler(io, cancelRun));

  withCommonOptions(runs.command('errors').description(t.t('cmd.runs.errors')), t)
    .argument('<runId>', t.t('arg.runId'))
    .option('--csv', t.t('opt.csv'))
    .action(handler(io, listRowErrors));

  withCommonOptions(runs.command('watch').description(t.t('cmd.runs.watch')), t)
    .argument('<runId>', t.t('arg.runId'))
    .option('--interval-ms <ms>', t.t('opt.intervalMs'))
    .action(handler(io, (context, id: string) => watchRun(context, id)));

  return runs;
}

const runPath = (id: string) => `/api/v1/runs/${encodeURIComponent(id)}`;

async function listRuns(context: CommandContext): Promise<void> {
  const flags = context.flags as ListFlags & { flow?: string; status?: string; quiet?: boolean };
  const property: string[] = [];
  if (flags.flow) property.push(`flowId==${flags.flow}`);
  if (flags.status) property.push(`status==${statusListArgument(flags.status, context.t)}`);

  const items = await fetchPages<Run>(context, '/api/v1/runs', { property }, flags);
  if (context.flags.json) return context.json(items);
  if (flags.quiet) return items.forEach((run) => context.say(run.id));
  if (items.length === 0) return context.say(context.t.t('msg.empty'));

  const { t } = context;
  const flowNames = await flowNamesById(context);
  const headers = ['id', 'flow', 'status', 'trigger', 'windowStart', 'windowEnd', 'records', 'started', 'duration'];
  context.say(
    formatTable(
      headers.map((name) => t.t(`col.${name}` as Parameters<Translator['t']>[0])),
      items.map((run) => [
        run.id,
        flowNames.get(run.flowId) ?? run.flowId,
        statusLabel(run, t),
        triggerLabel(run, t),
        formatTime(run.params.windowStartTime),
        formatTime(run.params.windowEndTime),
        recordCounts(run, t),
        formatTime(run.metrics?.durationSummary?.startedAt),
        formatDuration(run.metrics?.durationSummary?.durationMs),
      ]),
    ),
  );
}

// People read flow names better than ids; one request covers the first 500 flows of the sandbox.
async function flowNamesById(context: CommandContext): Promise<Map<string, string>> {
  const page = await context.client.json<{ items: Flow[] }>('GET', '/api/v1/flows', { query: { limit: 500 } });
  return new Map(page.items.map((flow) => [flow.id, flow.name]));
}

async function getRun(context: CommandContext, id: string): Promise<void> {
  const run = await context.client.json<Run>('GET', runPath(id));
  if (context.flags.json) return context.json(run);
  context.say(describeRun(run, context.t));
}

async function createRun(context: CommandContext): Promise<number | void> {
  const flags = context.flags as {
    flow: string;
    start: string;
    windowStart: string;
    windowEnd: string;
    deltaColumn?: string;
    idempotencyKey?: string;
    watch?: boolean;
    quiet?: boolean;
  };
  const now = context.io.clock.now();
  const params: Record<string, unknown> = {
    startTime: timeArgument(flags.start, '--start', now, context.t),
    windowStartTime: timeArgument(flags.windowStart, '--window-start', now, context.t),
    windowEndTime: timeArgument(flags.windowEnd, '--window-end', now, context.t),
  };
  if (flags.deltaColumn) params.deltaColumn = { name: flags.deltaColumn };

  const run = await context.client.json<CreatedRun>('POST', '/api/v1/runs', {
    body: { flowId: flags.flow, params },
    headers: flags.idempotencyKey ? { 'idempotency-key': flags.idempotencyKey } : {},
  });
  const warnings = run.warnings ?? [];
  for (const warning of warnings.slice(0, 3)) {
    context.warn(
      context.t.t('msg.overlap', {
        id: warning.runId ?? warning.id ?? '?',
        windowStart: formatTime(warning.windowStartTime),
        windowEnd: formatTime(warning.windowEndTime),
      }),
    );
  }
  if (warnings.length > 3) context.warn(context.t.t('msg.overlapMore', { count: warnings.length - 3 }));
  return reportNewRun(context, run, flags, () =>
    context.t.t('msg.runCreated', {
      id: run.id,
      windowStart: formatTime(run.params.windowStartTime),
      windowEnd: formatTime(run.params.windowEndTime),
      startTime: formatTime(run.params.startTime),
    }),
  );
}

async function retryRun(context: CommandContext, id: string): Promise<number | void> {
  const run = await context.client.json<Run>('POST', `${runPath(id)}/action`, { query: { op: 're-trigger' } });
  const flags = context.flags as { watch?: boolean; quiet?: boolean };
  return reportNewRun(context, run, flags, () =>
    context.t.t('msg.runRetried', { id: run.id, retryOf: run.retryOf ?? id }),
  );
}

// `--watch` follows the new run, and the exit code reports how the run ended; otherwise the run is
// printed (JSON), or its id alone (`--quiet`, for `RUN_ID=$(…)`), or a sentence.
async function reportNewRun(
  context: CommandContext,
  run: Run,
  flags: { watch?: boolean; quiet?: boolean },
  sentence: () => string,
): Promise<number | void> {
  if (flags.watch) {
    if (!context.flags.json) context.warn(flags.quiet ? run.id : sentence());
    return watchRun(context, run.id);
  }
  if (context.flags.json) return context.json(run);
  context.say(flags.quiet ? run.id : sentence());
}

async function cancelRun(context: CommandContext, id: string): Promise<void> {
  const run = await context.client.json<Run | undefined>('POST', `${runPath(id)}/action`, { query: { op: 'cancel' } });
  if (context.flags.json) return context.json(run ?? { id, status: 'cancelled' });
  context.say(context.t.t('msg.runCancelled', { id }));
}

async function listRowErrors(context: CommandContext, id: string): Promise<void> {
  const flags = context.flags as { csv?: boolean };
  if (flags.csv) {
    const response = await context.client.send('GET', `${runPath(id)}/errors`, { query: { format: 'csv' } });
    context.io.stdout.write(await response.text());
    return;
  }

  const body = await context.client.json<{ items: RowError[]; count?: number }>('GET', `${runPath(id)}/errors`);
  const items = body.items;
  if (context.flags.json) return context.json(items);
  if (items.length === 0) return context.say(context.t.t('msg.empty'));

  const { t } = context;
  context.say(
    formatTable(
      [t.t('col.origin'), t.t('col.row'), t.t('col.field'), t.t('col.code'), t.t('col.value'), t.t('col.message')],
      items.map((error) => [
        error.origin ?? '—',
        error.rowNumber === undefined ? '—' : String(error.rowNumber),
        error.field ?? '—',
        error.code,
        truncate(error.rawValue ?? '', 30),
        error.message,
      ]),
    ),
  );
  context.warn(t.t('msg.errorsTotal', { shown: items.length, count: body.count ?? items.length }));
}

export function statusLabel(run: Run, t: Translator): string {
  const label = t.t(`status.${run.status}`);
  return run.superseded ? `${label} (${t.t('label.superseded').toLowerCase()})` : label;
}

function triggerLabel(run: Run, t: Translator): string {
  if (run.trigger === 'schedule' || run.trigger === 'onDemand' || run.trigger === 'retry') {
    return t.t(`trigger.${run.trigger}`);
  }
  return run.trigger ?? '—';
}

function recordCounts(run: Run, t: Translator): string {
  const records = run.metrics?.recordSummary;
  if (!records) return '—';
  const count = (value: number | undefined) => (value === undefined ? '—' : t.formatNumber(value));
  return `${count(records.inputRecordCount)}/${count(records.outputRecordCount)}/${count(records.failedRecordCount)}`;
}

export function describeRun(run: Run, t: Translator): string {
  const metrics = run.metrics ?? {};
  const pairs: [string, string][] = [
    [t.t('col.id'), run.id],
    [t.t('col.flow'), run.flowId],
    [t.t('col.status'), statusLabel(run, t)],
    [t.t('col.trigger'), triggerLabel(run, t)],
    [t.t('label.retryOf'), run.retryOf ?? t.t('label.none')],
    [t.t('label.attempt'), String(run.attempt ?? 1)],
    [t.t('label.dueAt'), formatTime(run.params.startTime)],
    [t.t('col.windowStart'), formatTime(run.params.windowStartTime)],
    [t.t('col.windowEnd'), formatTime(run.params.windowEndTime)],
    [t.t('col.started'), formatTime(metrics.durationSummary?.startedAt)],
    [t.t('col.duration'), formatDuration(metrics.durationSummary?.durationMs)],
    [t.t('col.records'), recordCounts(run, t)],
    [t.t('label.files'), String(metrics.fileSummary?.inputFileCount ?? '—')],
    [
      t.t('label.bytes'),
      metrics.sizeSummary?.inputBytes === undefined ? '—' : formatBytes(metrics.sizeSummary.inputBytes, t),
    ],
  ];
  for (const error of run.errors ?? []) pairs.push([t.t('label.errors'), `${error.code}: ${error.message}`]);
  return formatDetails(pairs);
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
