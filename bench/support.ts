import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// What every benchmark shares: arguments, temp folders, timing, medians and percentiles, and the
// description of the machine. Benchmarks print plain lines so that a run can be pasted as it is.

export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Reads `--name value` or `--name=value` from the command line, with a default. */
export function argument(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === `--${name}`) return args[index + 1] ?? fallback;
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return fallback;
}

export function integerArgument(name: string, fallback: number): number {
  const raw = argument(name, String(fallback)).replace(/_/g, '');
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`--${name} '${raw}' is not a whole number; give one such as --${name} ${fallback}.`);
  }
  return value;
}

/** Creates a fresh folder under the system temp folder; `removeTempDir` deletes it. */
export function makeTempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tributary-bench-${label}-`));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Returns a PostgreSQL schema name of the benchmark's own, so benchmarks never touch other tables. */
export function uniqueSchema(label: string): string {
  return `bench_${label}_${process.pid}_${Date.now().toString(36)}`;
}

export async function timed<T>(action: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await action();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Runs a command to its end and rejects with its stderr when it fails. */
export function run(
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim() || stdout.trim()}`));
    });
    child.stdin.end(options.input ?? '');
  });
}

export function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Describes the machine as BENCHMARKS.md reports it: cores, memory, CPU model and tool versions. */
export function machineDescription(): string[] {
  const cpuModel = fs
    .readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((line) => line.startsWith('model name'))
    ?.split(':')[1]
    ?.trim();
  const version = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .trim()
        .split('\n')[0];
    } catch {
      return 'not installed';
    }
  };
  return [
    `nproc: ${os.availableParallelism()}`,
    `memory: ${round(os.totalmem() / 1024 ** 3, 1)} GiB`,
    `cpu: ${cpuModel ?? 'unknown'}`,
    `node: ${process.version}`,
    `postgresql: ${version('psql', [POSTGRES_URL, '-tAc', 'show server_version'])}`,
    `sqlite3: ${version('sqlite3', ['--version'])?.split(' ')[0]}`,
  ];
}

/** Prints a header with the machine, so every pasted run shows where it ran. */
export function printHeader(title: string): void {
  console.log(`# ${title}`);
  for (const line of machineDescription()) console.log(`# ${line}`);
  console.log('# 2 shared cores: other work runs at the same time, so figures are indicative.');
  console.log(
    `# load average at start: ${os
      .loadavg()
      .map((value) => round(value))
      .join(', ')}`,
  );
}

/** Peak resident set size of this process so far, in MiB (`maxRSS` is in KiB). */
export function peakRssMiB(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}
