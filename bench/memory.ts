import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localFilesConnector } from '../src/connectors/local-files/index.ts';
import { writeCsvOfSize } from './csv-file.ts';
import { argument, integerArgument, makeTempDir, median, printHeader, removeTempDir, round, timed } from './support.ts';

// Peak memory while reading CSV files of growing size through `local-files`: if the read streams,
// the peak stays flat whatever the size. Each read runs in a fresh process, because `maxRSS` is the
// peak of the whole process life.
//
//   node --import tsx bench/memory.ts [--sizes-mb 200,2000] [--runs 3]

interface ReadFigures {
  records: number;
  seconds: number;
  maxRssMiB: number;
}

async function readFile(file: string): Promise<ReadFigures> {
  const folder = path.dirname(file);
  const { seconds, value: records } = await timed(async () => {
    const stream = await localFilesConnector.read(
      { params: { folder }, fileRoots: [folder] },
      {
        source: {
          data: { format: 'delimited', properties: { columnDelimiter: ',', header: true, encoding: 'utf-8' } },
          params: { path: path.basename(file) },
        },
        window: { startMs: 0, endMs: Date.now() + 86_400_000 },
      },
    );
    let count = 0;
    try {
      for await (const item of stream.batches) if ('records' in item) count += item.records.length;
    } finally {
      await stream.close();
    }
    return count;
  });
  return { records, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
}

async function main(): Promise<void> {
  const sizesMb = argument('sizes-mb', '200,2000').split(',').map(Number);
  const runs = integerArgument('runs', 3);
  printHeader(`Peak RSS reading CSV through local-files: ${sizesMb.join(', ')} MB, ${runs} runs`);
  const dir = makeTempDir('memory');
  try {
    for (const sizeMb of sizesMb) {
      const file = path.join(dir, `orders-${sizeMb}mb.csv`);
      const rows = await writeCsvOfSize(file, sizeMb * 1e6);
      const figures: ReadFigures[] = [];
      for (let index = 1; index <= runs; index += 1) {
        const output = execFileSync(
          process.execPath,
          ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file],
          {
            encoding: 'utf8',
          },
        );
        const result = JSON.parse(output.trim().split('\n').pop()!) as ReadFigures;
        if (result.records !== rows) throw new Error(`read ${result.records} records of ${rows}`);
        figures.push(result);
        console.log(
          `run ${index} ${sizeMb} MB: ${result.records} records, ${round(result.seconds)} s, ` +
            `${round(sizeMb / result.seconds, 1)} MB/s, max RSS ${round(result.maxRssMiB, 1)} MiB`,
        );
      }
      console.log(
        `${sizeMb} MB median: ${round(median(figures.map((figure) => figure.seconds)))} s, ` +
          `max RSS ${round(median(figures.map((figure) => figure.maxRssMiB)), 1)} MiB (goal < 300 MiB)`,
      );
      fs.rmSync(file);
    }
  } finally {
    removeTempDir(dir);
  }
}

const childFile = argument('child', '');
if (childFile) console.log(JSON.stringify(await readFile(childFile)));
else await main();
