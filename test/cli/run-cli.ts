import { Writable } from 'node:stream';
import { Command } from 'commander';
import { registerClientCommands } from '../../src/cli/commands/index.ts';
import type { CliIo } from '../../src/cli/context.ts';
import { systemClock, type Clock } from '../../src/domain/time.ts';

// Runs the client commands in-process, as `tributary <args>` would, with captured output.

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; clock?: Clock; terminal?: boolean } = {},
): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  // A terminal on standard error gets the redrawn progress bar instead of status lines.
  if (options.terminal) Object.assign(stderr.stream, { isTTY: true });
  let code = 0;
  const io: CliIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env,
    cwd: options.cwd ?? process.cwd(),
    clock: options.clock ?? systemClock,
    exit: (exitCode) => {
      throw new ExitSignal(exitCode);
    },
    setExitCode: (exitCode) => {
      code = exitCode;
    },
  };

  const program = new Command('tributary').exitOverride();
  registerClientCommands(program, io);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (!(error instanceof ExitSignal)) throw error;
    code = error.code;
  }
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
