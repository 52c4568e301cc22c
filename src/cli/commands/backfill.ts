import { Command } from 'commander';
import { choiceArgument, timeArgument } from '../arguments.ts';
import { handler, withCommonOptions, type CliIo, type CommandContext } from '../context.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { Translator } from '../i18n/index.ts';
import { formatTable, formatTime } from '../output.ts';

const reprocessChoices = ['none', 'failed', 'all'] as const;

/** One window of a backfill response: created or skipped, and why. */
interface BackfillWindow {
  windowStartTime: string;
  windowEndTime: string;
  action: 'create' | 'skip';
  reason: string;
  existingRunId: string | null;
  runId: string | null;
}

interface BackfillResponse {
  dryRun: boolean;
  windows: BackfillWindow[];
}

export function backfillCommand(io: CliIo, t: Translator): Command {
  return withCommonOptions(new Command('backfill').description(t.t('cmd.backfill')), t, { quiet: true })
    .requiredOption('--flow <flowId>', t.t('opt.flow'))
    .requiredOption('--window-start <time>', t.t('opt.windowStart'))
    .requiredOption('--window-end <time>', t.t('opt.windowEnd'))
    .option('--reprocess <mode>', t.t('opt.reprocess'), 'none')
    .option('--dry-run', t.t('opt.dryRun'))
    .action(handler(io, backfill));
}

async function backfill(context: CommandContext): Promise<void> {
  const flags = context.flags as {
    flow: string;
    windowStart: string;
    windowEnd: string;
    reprocess: string;
    dryRun?: boolean;
    quiet?: boolean;
  };
  const { t } = context;
  const now = context.io.clock.now();
  const body = {
    windowStartTime: timeArgument(flags.windowStart, '--window-start', now, t),
    windowEndTime: timeArgument(flags.windowEnd, '--window-end', now, t),
    reprocess: choiceArgument(flags.reprocess, '--reprocess', reprocessChoices, t),
    dryRun: flags.dryRun === true,
  };

  const response = await context.client.json<BackfillResponse>(
    'POST',
    `/api/v1/flows/${encodeURIComponent(flags.flow)}/backfill`,
    { body },
  );
  if (context.flags.json) return context.json(response);

  const { windows } = response;
  const created = windows.filter((window) => window.action === 'create');
  if (flags.quiet) return created.forEach((window) => context.say(window.runId ?? ''));

  if (windows.length > 0) {
    context.say(
      formatTable(
        [t.t('col.windowStart'), t.t('col.windowEnd'), t.t('col.action'), t.t('col.id'), t.t('col.existing')],
        windows.map((window) => [
          formatTime(window.windowStartTime),
          formatTime(window.windowEndTime),
          t.t(`backfill.${window.action}`, { reason: t.t(`backfill.reason.${window.reason}` as MessageKey) }),
          window.runId ?? '—',
          window.existingRunId ?? '—',
        ]),
      ),
    );
  }
  context.say(t.t(body.dryRun ? 'msg.backfillPreview' : 'msg.backfillCreated', { count: created.length }));
}
