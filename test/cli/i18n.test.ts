import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorCatalogue } from '../../src/domain/errors.ts';
import { createTranslator, detectLocale, errorCatalogs, messageCatalogs } from '../../src/cli/i18n/index.ts';

describe('cli i18n', () => {
  it('translates every error code in both languages', () => {
    for (const code of Object.keys(errorCatalogue)) {
      for (const locale of ['en', 'fr'] as const) {
        const title = (errorCatalogs[locale] as Record<string, string | undefined>)[code];
        assert.ok(title && title.trim() !== '', `${locale} has no translation for ${code}`);
      }
    }
  });

  it('has no translation for an unknown code', () => {
    const known = new Set(Object.keys(errorCatalogue));
    for (const locale of ['en', 'fr'] as const) {
      const extra = Object.keys(errorCatalogs[locale]).filter((code) => !known.has(code));
      assert.deepEqual(extra, [], `${locale} translates codes the catalogue does not have`);
    }
  });

  it('has the same message keys in both languages', () => {
    assert.deepEqual(Object.keys(messageCatalogs.fr).sort(), Object.keys(messageCatalogs.en).sort());
  });

  it('keeps the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const [key, english] of Object.entries(messageCatalogs.en)) {
      const french = (messageCatalogs.fr as Record<string, string>)[key]!;
      assert.deepEqual(placeholders(french), placeholders(english), key);
    }
  });

  it('detects the locale from LC_ALL, LC_MESSAGES, then LANG', () => {
    assert.equal(detectLocale({ LANG: 'fr_FR.UTF-8' }), 'fr');
    assert.equal(detectLocale({ LANG: 'fr_CA.UTF-8', LC_ALL: 'en_US.UTF-8' }), 'en');
    assert.equal(detectLocale({ LANG: 'en_GB.UTF-8', LC_MESSAGES: 'fr_BE.UTF-8' }), 'fr');
    assert.equal(detectLocale({}), 'en');
    assert.equal(detectLocale({ LANG: 'C.UTF-8' }), 'en');
  });

  it('fills placeholders', () => {
    const t = createTranslator('fr');
    assert.equal(t.t('msg.flowEnabled', { id: 'f1' }), 'Le flux de données f1 est activé.');
    assert.equal(t.errorTitle('NOT_A_CODE'), undefined);
  });
});
