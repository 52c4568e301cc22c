import fs from 'node:fs';
import path from 'node:path';
import { repositoryRoot } from '../support/process.ts';

// The examples of the READMEs that tests run: fenced `bash` blocks whose first line is
// `# doc-test: <name>`.

export interface DocBlock {
  name: string;
  /** The commands of the block, without the marker line. */
  script: string;
}

export function docTestBlocks(file: string): DocBlock[] {
  const text = fs.readFileSync(path.join(repositoryRoot, file), 'utf8');
  const blocks: DocBlock[] = [];
  for (const match of text.matchAll(/^```bash\n# doc-test: ([\w-]+)\n([\s\S]*?)^```$/gm)) {
    blocks.push({ name: match[1]!, script: match[2]! });
  }
  return blocks;
}

/** Shell variables the blocks assign (`NAME=` or `export NAME=`), carried from one block to the next. */
export function assignedVariables(blocks: DocBlock[]): string[] {
  const names = new Set<string>();
  for (const block of blocks) {
    for (const match of block.script.matchAll(/^(?:export )?([A-Z_][A-Z0-9_]*)=/gm)) names.add(match[1]!);
  }
  return [...names];
}
