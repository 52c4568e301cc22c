import type { Command } from 'commander';
import type { Translator } from '../i18n/index.ts';
import { applyUsageBehaviour, processIo, translatorFor, type CliIo } from '../context.ts';
import { backfillCommand } from './backfill.ts';
import { datasetsCommand } from './datasets.ts';
import { flowsCommand } from './flows.ts';
import { runsCommand } from './runs.ts';

/**
 * Adds the client commands (flows, runs, backfill, datasets) to the program. They talk to a server
 * over its public HTTP API only; `io` lets tests run them in-process.
 */
export function registerClientCommands(program: Command, io: CliIo = processIo): Command {
  const t = translatorFor(io);
  for (const command of [flowsCommand(io, t), runsCommand(io, t), backfillCommand(io, t), datasetsCommand(io, t)]) {
    program.addCommand(applyUsageBehaviour(command, io, t));
  }
  localizeHelp(program, t);
  return program;
}

/** Translates commander's own help headings and help option, on the program and every subcommand. */
function localizeHelp(command: Command, t: Translator): void {
  const titles: Record<string, string> = {
    'Usage:': t.t('help.usage'),
    'Arguments:': t.t('help.arguments'),
    'Options:': t.t('help.options'),
    'Global Options:': t.t('help.globalOptions'),
    'Commands:': t.t('help.commands'),
  };
  command.configureHelp({ styleTitle: (title) => titles[title] ?? title });
  command.helpOption('-h, --help', t.t('help.option'));
  if (command.commands.length > 0) command.helpCommand('help [command]', t.t('help.command'));
  for (const subcommand of command.commands) localizeHelp(subcommand, t);
}
