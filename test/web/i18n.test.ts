import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { errorCatalogue } from '../../src/domain/errors.ts';
import { en } from '../../web/src/i18n/en.ts';
import { fr } from '../../web/src/i18n/fr.ts';

const catalogs = { en, fr } as Record<string, Record<string, string>>;

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
}

describe('web i18n catalogs', () => {
  test('same keys in en and fr', () => {
    const enKeys = Object.keys(en).sort();
    const frKeys = Object.keys(fr).sort();
    assert.deepEqual(
      enKeys.filter((key) => !frKeys.includes(key)),
      [],
      'keys missing from fr',
    );
    assert.deepEqual(
      frKeys.filter((key) => !enKeys.includes(key)),
      [],
      'keys missing from en',
    );
  });

  test('every error code translated', () => {
    for (const [language, messages] of Object.entries(catalogs)) {
      const missing = Object.keys(errorCatalogue).filter((code) => !messages[`error.${code}`]);
      assert.deepEqual(missing, [], `error codes without a ${language} message`);
    }
  });

  test('no empty message', () => {
    for (const [language, messages] of Object.entries(catalogs)) {
      const empty = Object.entries(messages).filter(([, text]) => text.trim() === '');
      assert.deepEqual(empty, [], `empty ${language} messages`);
    }
  });

  test('same placeholders in both languages', () => {
    const mismatched = Object.keys(en).filter(
      (key) =>
        placeholders(en[key as keyof typeof en]).join() !== placeholders(fr[key as keyof typeof fr] ?? '').join(),
    );
    assert.deepEqual(mismatched, []);
  });

  test('product labels as specified', () => {
    assert.equal(fr['sources.tab.dataflows'], 'Flux de données');
    assert.equal(fr['flows.menu.runOnDemand'], 'Exécuter à la demande');
    assert.equal(fr['onDemand.startTime'], 'Heure de début de l’ingestion');
    assert.equal(fr['onDemand.submit'], 'Planifier');
    assert.equal(fr['activity.tab.processed'], 'Traité');
    assert.equal(fr['run.rerun'], 'Réexécuter');
    assert.equal(en['onDemand.windowEnd'], 'Window end time');
  });
});
