import fs from 'node:fs';
import path from 'node:path';

// Prints the functions with the most self time in a `.cpuprofile` written by `node --cpu-prof`,
// to explain where a benchmark spends its time.
//
//   node --import tsx bench/profile-top.ts <file.cpuprofile | folder> [--top 25]

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function newestProfile(target: string): string {
  if (!fs.statSync(target).isDirectory()) return target;
  const files = fs
    .readdirSync(target)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => path.join(target, name))
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  if (files.length === 0)
    throw new Error(`No .cpuprofile file in ${target}; run node with --cpu-prof --cpu-prof-dir ${target}.`);
  return files[0]!;
}

function main(): void {
  const target = process.argv[2];
  if (!target) throw new Error('Give a .cpuprofile file or a folder: node --import tsx bench/profile-top.ts /tmp/prof');
  const topIndex = process.argv.indexOf('--top');
  const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 25;
  const profile = JSON.parse(fs.readFileSync(newestProfile(target), 'utf8')) as CpuProfile;

  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, number>();
  let total = 0;
  for (let index = 0; index < profile.samples.length; index += 1) {
    const node = byNode.get(profile.samples[index]!)!;
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = node.callFrame;
    const where = frame.url
      ? `${frame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${frame.lineNumber + 1}`
      : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
    total += delta;
  }

  const rows = [...selfMicros.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`total sampled: ${(total / 1e6).toFixed(2)} s`);
  for (const [name, micros] of rows) {
    console.log(
      `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1e6).toFixed(2).padStart(6)} s  ${name}`,
    );
  }
}

main();
