// Reads a generated CSV file through the local-files connector and prints the records, the seconds
// and the peak resident memory, to show that memory stays flat whatever the file size.
// Usage: npx tsx bench/read-memory.ts [size]   size such as 1GB (the default), 200MB or 5000000 (bytes).
// A child process writes the file, so the peak RSS printed is the read's alone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { localFilesConnector } from '../src/connectors/local-files/index.ts';

const UNITS: Record<string, number> = { '': 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(text.trim());
  if (!match)
    throw new Error(`The size '${text}' is not understood; give bytes or a number with KB, MB or GB, such as 1GB.`);
  return Math.round(Number(match[1]) * UNITS[(match[2] ?? '').toUpperCase()]!);
}

async function writeCsv(file: string, targetBytes: number): Promise<number> {
  const out = fs.createWriteStream(file);
  out.write('id;code;amount;label;updated_at\n');
  let written = 0;
  let id = 0;
  while (written < targetBytes) {
    const lines: string[] = [];
    for (let index = 0; index < 10_000; index++) {
      id++;
      lines.push(
        `${id};${String(id % 100_000).padStart(5, '0')};${(id % 99_999) / 100};"label ${id}, with ""quotes""";2026-12-04 10:00:00\n`,
      );
    }
    const chunk = lines.join('');
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return id;
}

if (process.argv[2] === '--generate') {
  process.stdout.write(String(await writeCsv(process.argv[3]!, Number(process.argv[4]))));
  process.exit(0);
}

const targetBytes = parseSize(process.argv[2] ?? '1GB');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-'));
try {
  const file = path.join(root, 'big.csv');
  const generatedStart = performance.now();
  const generator = spawnSync(
    process.execPath,
    [...process.execArgv, process.argv[1]!, '--generate', file, String(targetBytes)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (generator.status !== 0) throw new Error(`Generating ${file} failed with exit code ${generator.status}.`);
  const rows = Number(generator.stdout);
  const sizeBytes = fs.statSync(file).size;
  console.log(
    `generated ${rows} rows, ${(sizeBytes / 1024 ** 2).toFixed(0)} MiB in ${((performance.now() - generatedStart) / 1000).toFixed(1)} s`,
  );

  const rssBefore = process.resourceUsage().maxRSS;
  const start = performance.now();
  const stream = await localFilesConnector.read(
    { params: { folder: '' }, fileRoots: [root] },
    {
      source: {
        data: { format: 'delimited', properties: { columnDelimiter: ';', header: true, encoding: 'utf-8' } },
        params: { path: 'big.csv' },
      },
      window: { startMs: 0, endMs: Date.now() + 60_000 },
    },
  );
  let records = 0;
  let bytes = 0;
  let readingRss = 0;
  for await (const batch of stream.batches) {
    if ('records' in batch) {
      records += batch.records.length;
      bytes += batch.bytesRead;
    }
    readingRss = Math.max(readingRss, process.memoryUsage.rss());
  }
  await stream.close();
  const seconds = (performance.now() - start) / 1000;

  // maxRSS is in kibibytes.
  console.log(`records ${records}`);
  console.log(`bytes read ${bytes}`);
  console.log(`seconds ${seconds.toFixed(1)} (${(sizeBytes / 1024 ** 2 / seconds).toFixed(1)} MiB/s)`);
  console.log(
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (before reading ${(rssBefore / 1024).toFixed(0)} MiB)`,
  );
  console.log(`largest RSS between batches ${(readingRss / 1024 ** 2).toFixed(0)} MiB`);
  if (records !== rows) throw new Error(`Read ${records} records where ${rows} were written.`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
