import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { errorCatalogue } from '../../src/domain/errors.ts';
import { repositoryRoot } from '../support/process.ts';
import { docTestBlocks } from './doc-blocks.ts';

// The documents that must follow the code: every error code is documented in both languages, the
// French README runs the same examples as the English one, and relative links lead to files.

const read = (file: string) => fs.readFileSync(path.join(repositoryRoot, file), 'utf8');
const documents = [
  'README.md',
  'README.fr.md',
  'docs/en/guide.md',
  'docs/en/cli.md',
  'docs/en/errors.md',
  'docs/fr/guide.md',
  'docs/fr/cli.md',
  'docs/fr/errors.md',
];

describe('docs', () => {
  it('list every error code in both languages', () => {
    for (const file of ['docs/en/errors.md', 'docs/fr/errors.md']) {
      const text = read(file);
      const missing = Object.keys(errorCatalogue).filter((code) => !text.includes(`| \`${code}\` |`));
      assert.deepEqual(missing, [], `${file} does not document these codes`);
    }
  });

  it('run the same examples in both READMEs', () => {
    const english = docTestBlocks('README.md');
    const french = docTestBlocks('README.fr.md');
    assert.ok(english.length >= 5, 'README.md has doc-test blocks');
    assert.deepEqual(french, english);
  });

  it('link only to files that exist', () => {
    for (const file of documents) {
      for (const match of read(file).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = match[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const resolved = path.resolve(path.dirname(path.join(repositoryRoot, file)), target);
        assert.ok(fs.existsSync(resolved), `${file} links to ${target}, which does not exist`);
      }
    }
  });

  it('document every environment variable of the configuration', () => {
    const config = read('src/config/config.ts');
    const variables = [...config.matchAll(/env\.([A-Z_]+)|env, '([A-Z_]+)'/g)].map((match) => match[1] ?? match[2]!);
    assert.ok(variables.length >= 15, `found only ${variables.length} variables in the configuration`);
    for (const readme of ['README.md', 'README.fr.md']) {
      const text = read(readme);
      for (const variable of new Set(variables)) {
        assert.ok(text.includes(`\`${variable}\``), `${readme} does not document ${variable}`);
      }
    }
  });
});
