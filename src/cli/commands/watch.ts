import { setTimeout as delay } from 'node:timers/promises';
import { integerArgument } from '../arguments.ts';
import type { CommandContext } from '../context.ts';
import { exitCodes } from '../exit-codes.ts';
import { formatBytes, formatDuration, progressBar } from '../output.ts';
import { describeRun, statusLabel, type Run } from './runs.ts';

const terminalStatuses = new Set(['success', 'failed', 'cancelled']);

/**
 * Polls a run until it reaches a terminal state. On a terminal, a progress bar is redrawn in place
 * on standard error; elsewhere one line per status change. Exit code 0 for success, 3 otherwise.
 */
export async function watchRun(context: CommandContext, id: string): Promise<number> {
  const flags = context.flags as { intervalMs?: string };
  const intervalMs =
    flags.intervalMs === undefined ? 1000 : integerArgument(flags.intervalMs, '--interval-ms', 50, 60_000, context.t);
  const interactive = (context.io.stderr as { isTTY?: boolean }).isTTY === true && !context.flags.json;

  let lastStatus = '';
  let run: Run;
  for (;;) {
    run = await context.client.json<Run>('GET', `/api/v1/runs/${encodeURIComponent(id)}`);
    if (interactive) context.io.stderr.write(`\r\x1b[2K${progressLine(run, context)}`);
    else if (run.status !== lastStatus && !context.flags.json) {
      context.warn(context.t.t('msg.watchStatus', { id, status: statusLabel(run, context.t) }));
    }
    lastStatus = run.status;
    if (terminalStatuses.has(run.status)) break;
    await delay(intervalMs);
  }
  if (interactive) context.io.stderr.write('\n');

  if (context.flags.json) context.json(run);
  else {
    context.say(
      context.t.t('msg.watchEnded', { id, status: statusLabel(run, context.t), summary: summary(run, context) }),
    );
    if (run.status !== 'success') context.say(describeRun(run, context.t));
  }
  return run.status === 'success' ? exitCodes.ok : exitCodes.runFailed;
}

function progressLine(run: Run, context: CommandContext): string {
  const { t } = context;
  const progress = run.metrics?.progress ?? {};
  const records = progress.recordsRead ?? run.metrics?.recordSummary?.inputRecordCount ?? 0;
  const total = progress.totalBytes ?? 0;
  let fraction = 0;
  if (run.status === 'success') fraction = 1;
  else if (total > 0) fraction = (progress.bytesRead ?? 0) / total;
  const bytes = progress.bytesRead === undefined ? '' : ` · ${formatBytes(progress.bytesRead, t)}`;
  return `${progressBar(fraction)}  ${statusLabel(run, t)} · ${t.t('msg.progressRecords', { count: t.formatNumber(records) })}${bytes}`;
}

function summary(run: Run, context: CommandContext): string {
  const records = run.metrics?.recordSummary ?? {};
  const { t } = context;
  return t.t('msg.watchSummary', {
    input: t.formatNumber(records.inputRecordCount ?? 0),
    output: t.formatNumber(records.outputRecordCount ?? 0),
    failed: t.formatNumber(records.failedRecordCount ?? 0),
    duration: formatDuration(run.metrics?.durationSummary?.durationMs),
  });
}
