import { Command } from 'commander';
import { handler, withCommonOptions, type CliIo, type CommandContext } from '../context.ts';
import type { Translator } from '../i18n/index.ts';
import { formatDetails, formatTable, formatTime } from '../output.ts';
import { fetchPages, type ListFlags } from './pages.ts';

/** A dataflow as the API returns it; only the members the CLI prints. */
export interface Flow {
  id: string;
  name: string;
  state?: 'enabled' | 'disabled';
  sourceConnectionIds?: string[];
  targetDatasetId?: string;
  scheduleParams?: {
    frequency?: string;
    interval?: number;
    cron?: string;
    startTime?: string;
    timezone?: string;
    backfill?: boolean;
  };
  transformations?: { deltaColumn?: { name?: string } | null };
  options?: { errorThresholdPercent?: number };
  createdAt?: string;
}

export function flowsCommand(io: CliIo, t: Translator): Command {
  const flows = new Command('flows').description(t.t('cmd.flows'));

  withCommonOptions(flows.command('list').description(t.t('cmd.flows.list')), t, { quiet: true })
    .option('--limit <n>', t.t('opt.limit'))
    .option('--all', t.t('opt.all'))
    .action(handler(io, listFlows));

  withCommonOptions(flows.command('get').description(t.t('cmd.flows.get')), t)
    .argument('<flowId>', t.t('arg.flowId'))
    .action(handler(io, getFlow));

  for (const op of ['enable', 'disable'] as const) {
    withCommonOptions(flows.command(op).description(t.t(`cmd.flows.${op}`)), t)
      .argument('<flowId>', t.t('arg.flowId'))
      .action(handler(io, (context, id: string) => switchFlow(context, id, op)));
  }
  return flows;
}

async function listFlows(context: CommandContext): Promise<void> {
  const flags = context.flags as ListFlags & { quiet?: boolean };
  const items = await fetchPages<Flow>(context, '/api/v1/flows', {}, flags);

  if (context.flags.json) return context.json(items);
  if (flags.quiet) return items.forEach((flow) => context.say(flow.id));
  if (items.length === 0) return context.say(context.t.t('msg.empty'));

  const { t } = context;
  const rows = items.map((flow) => [
    flow.id,
    flow.name,
    flow.state ? t.t(`state.${flow.state}`) : '—',
    describeSchedule(flow),
    flow.targetDatasetId ?? '—',
  ]);
  context.say(
    formatTable([t.t('col.id'), t.t('col.name'), t.t('col.state'), t.t('col.schedule'), t.t('col.dataset')], rows),
  );
}

async function getFlow(context: CommandContext, id: string): Promise<void> {
  const flow = await context.client.json<Flow>('GET', `/api/v1/flows/${encodeURIComponent(id)}`);
  if (context.flags.json) return context.json(flow);

  const { t } = context;
  const schedule = flow.scheduleParams ?? {};
  const threshold = flow.options?.errorThresholdPercent;
  context.say(
    formatDetails([
      [t.t('col.id'), flow.id],
      [t.t('col.name'), flow.name],
      [t.t('col.state'), flow.state ? t.t(`state.${flow.state}`) : '—'],
      [t.t('col.schedule'), `${describeSchedule(flow)}, startTime ${formatTime(schedule.startTime)}`],
      [t.t('label.timezone'), schedule.timezone ?? 'UTC'],
      [t.t('label.sources'), (flow.sourceConnectionIds ?? []).join(', ') || '—'],
      [t.t('col.dataset'), flow.targetDatasetId ?? '—'],
      [t.t('label.deltaColumn'), flow.transformations?.deltaColumn?.name ?? '—'],
      [t.t('label.threshold'), `${t.formatNumber(threshold ?? 5)} %`],
    ]),
  );
}

async function switchFlow(context: CommandContext, id: string, op: 'enable' | 'disable'): Promise<void> {
  const flow = await context.client.json<Flow | undefined>('POST', `/api/v1/flows/${encodeURIComponent(id)}/action`, {
    query: { op },
  });
  if (context.flags.json) return context.json(flow ?? { id, state: `${op}d` });
  context.say(context.t.t(op === 'enable' ? 'msg.flowEnabled' : 'msg.flowDisabled', { id }));
}

/** `hour ×2 · backfill · Europe/Paris`, in the API's own words, which the docs explain. */
export function describeSchedule(flow: Flow): string {
  const schedule = flow.scheduleParams;
  if (!schedule?.frequency) return '—';
  const parts = [
    schedule.frequency === 'cron'
      ? `cron "${schedule.cron ?? ''}"`
      : `${schedule.frequency}${(schedule.interval ?? 1) > 1 ? ` ×${schedule.interval}` : ''}`,
  ];
  if (schedule.backfill) parts.push('backfill');
  parts.push(schedule.timezone ?? 'UTC');
  return parts.join(' · ');
}
