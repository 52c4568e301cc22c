import type { Command } from 'commander';
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
  return program;
}
