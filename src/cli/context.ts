import type { Writable } from 'node:stream';
import { Option, type Command, type CommanderError } from 'commander';
import { systemClock, type Clock } from '../domain/time.ts';
import { ApiClient, ApiError, CliError, resolveSettings, type ConnectionFlags } from './client.ts';
import { exitCodes } from './exit-codes.ts';
import { createTranslator, detectLocale, type Translator } from './i18n/index.ts';
import { formatDetails, writeJson, writeLine } from './output.ts';

// What every client command needs: where it writes, the language, the API client, the clock. Tests
// pass their own streams and environment and run the commands in-process.

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  clock: Clock;
  /** Ends the process now; only for usage errors, which commander reports before they reach an action. */
  exit(code: number): never;
  /** Sets the exit code the process ends with once its output is flushed. */
  setExitCode(code: number): void;
}

export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  clock: systemClock,
  exit: (code) => process.exit(code),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

export interface CommonFlags extends ConnectionFlags {
  json?: boolean;
  quiet?: boolean;
}

export interface CommandContext {
  io: CliIo;
  t: Translator;
  client: ApiClient;
  flags: CommonFlags;
  /** A result line for people; nothing in `--json` mode. */
  say(text: string): void;
  /** A warning or note on standard error, in every mode. */
  warn(text: string): void;
  json(value: unknown): void;
}

export function translatorFor(io: CliIo): Translator {
  return createTranslator(detectLocale(io.env));
}

/** Adds the connection and output options that every client command takes. */
export function withCommonOptions(command: Command, t: Translator, output: { quiet?: boolean } = {}): Command {
  command
    .option('--server <url>', t.t('opt.server'))
    .option('--token <token>', t.t('opt.token'))
    .option('--sandbox <name>', t.t('opt.sandbox'))
    .option('--json', t.t('opt.json'));
  if (output.quiet) command.addOption(new Option('-q, --quiet', t.t('opt.quiet')).conflicts('json'));
  return command;
}

/**
 * Wraps a command handler: builds its context, turns API and CLI errors into a translated message
 * and an exit code, and lets an unexpected error surface with its stack.
 */
export function handler<A extends unknown[]>(
  io: CliIo,
  run: (context: CommandContext, ...args: A) => Promise<number | void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const flags = command.optsWithGlobals<CommonFlags>();
    const t = translatorFor(io);
    try {
      const settings = resolveSettings(flags, io.env, io.cwd, t.t);
      const context: CommandContext = {
        io,
        t,
        client: new ApiClient(settings, t.t),
        flags,
        say: (text) => {
          if (!flags.json) writeLine(io.stdout, text);
        },
        warn: (text) => writeLine(io.stderr, text),
        json: (value) => writeJson(io.stdout, value),
      };
      const code = await run(context, ...(args.slice(0, -2) as A));
      io.setExitCode(code ?? exitCodes.ok);
    } catch (error) {
      io.setExitCode(reportError(error, io, t, flags.json === true));
    }
  };
}

function reportError(error: unknown, io: CliIo, t: Translator, json: boolean): number {
  if (error instanceof ApiError) {
    if (json) writeJson(io.stderr, error.problem);
    else writeLine(io.stderr, describeProblem(error, t));
    return error.exitCode;
  }
  if (error instanceof CliError) {
    writeLine(io.stderr, `${t.t('error.prefix')} ${error.message}`);
    return error.exitCode;
  }
  throw error;
}

/** Formats an API error: the translated title of its code, then the server's detail and field errors. */
export function describeProblem(error: ApiError, t: Translator): string {
  const { problem } = error;
  const title =
    (problem.code && t.errorTitle(problem.code)) ?? problem.title ?? t.t('error.http', { status: problem.status });
  const head = `${t.t('error.prefix')} ${title}${problem.code ? ` [${problem.code}]` : ''}`;
  const pairs: [string, string][] = [];
  if (problem.detail && problem.detail !== title) pairs.push([`  ${t.t('error.detail')}`, problem.detail]);
  for (const fieldError of problem.errors ?? []) pairs.push([`  ${fieldError.path}`, fieldError.message]);
  return pairs.length > 0 ? `${head}\n${formatDetails(pairs)}` : head;
}

/**
 * Gives the command and its subcommands the client's behaviour on the command line: usage errors
 * end with exit code 2, help with 0, and output goes to the given streams.
 */
export function applyUsageBehaviour(command: Command, io: CliIo, t: Translator): Command {
  command
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError(t.t('msg.helpHint'))
    .exitOverride((error: CommanderError) => {
      io.exit(error.exitCode === 0 ? exitCodes.ok : exitCodes.usage);
    });
  for (const child of command.commands) applyUsageBehaviour(child, io, t);
  return command;
}

export { CliError };

/** Creates the error of a wrong option value, found before any request, with the usage exit code. */
export function usageError(message: string): CliError {
  return new CliError(message, exitCodes.usage);
}
