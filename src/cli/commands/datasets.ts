import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Command } from 'commander';
import { choiceArgument } from '../arguments.ts';
import { CliError } from '../client.ts';
import { handler, withCommonOptions, type CliIo, type CommandContext } from '../context.ts';
import { exitCodes } from '../exit-codes.ts';
import type { Translator } from '../i18n/index.ts';
import { formatTable } from '../output.ts';
import { fetchPages, type ListFlags } from './pages.ts';

interface Dataset {
  id: string;
  name: string;
  schema?: { fields?: { name: string }[] };
  stats?: { rowCount?: number; batchCount?: number };
}

export function datasetsCommand(io: CliIo, t: Translator): Command {
  const datasets = new Command('datasets').description(t.t('cmd.datasets'));

  withCommonOptions(datasets.command('list').description(t.t('cmd.datasets.list')), t, { quiet: true })
    .option('--limit <n>', t.t('opt.limit'))
    .option('--all', t.t('opt.all'))
    .action(handler(io, listDatasets));

  withCommonOptions(datasets.command('export').description(t.t('cmd.datasets.export')), t)
    .argument('<datasetId>', t.t('arg.datasetId'))
    .option('--format <format>', t.t('opt.format'), 'csv')
    .option('--batch <batchId>', t.t('opt.batch'))
    .option('--output <file>', t.t('opt.output'))
    .action(handler(io, exportDataset));

  return datasets;
}

async function listDatasets(context: CommandContext): Promise<void> {
  const flags = context.flags as ListFlags & { quiet?: boolean };
  const items = await fetchPages<Dataset>(context, '/api/v1/datasets', {}, flags);
  if (context.flags.json) return context.json(items);
  if (flags.quiet) return items.forEach((dataset) => context.say(dataset.id));
  if (items.length === 0) return context.say(context.t.t('msg.empty'));

  const { t } = context;
  const count = (value: number | undefined) => (value === undefined ? '—' : t.formatNumber(value));
  context.say(
    formatTable(
      [t.t('col.id'), t.t('col.name'), t.t('col.fields'), t.t('col.rows'), t.t('col.batches')],
      items.map((dataset) => [
        dataset.id,
        dataset.name,
        count(dataset.schema?.fields?.length),
        count(dataset.stats?.rowCount),
        count(dataset.stats?.batchCount),
      ]),
    ),
  );
}

// The export is streamed from the response to the file or standard output: memory stays flat
// whatever the size of the dataset.
async function exportDataset(context: CommandContext, id: string): Promise<void> {
  const flags = context.flags as { format: string; batch?: string; output?: string };
  const format = choiceArgument(flags.format, '--format', ['csv', 'ndjson'] as const, context.t);
  const response = await context.client.send('GET', `/api/v1/datasets/${encodeURIComponent(id)}/export`, {
    query: { format, batchId: flags.batch },
  });
  const body = response.body
    ? Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>)
    : Readable.from([]);

  if (!flags.output) {
    try {
      await pipeline(body, context.io.stdout, { end: false });
    } catch (error) {
      // A reader that stops early (`| head`) closes the pipe; that ends the export, it is no failure.
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    }
    return;
  }
  try {
    await pipeline(body, fs.createWriteStream(flags.output));
  } catch (error) {
    throw new CliError(
      context.t.t('error.outputExists', { file: flags.output, reason: (error as Error).message }),
      exitCodes.usage,
    );
  }
  context.warn(context.t.t('msg.exported', { file: flags.output }));
}
