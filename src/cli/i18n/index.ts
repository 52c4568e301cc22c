import type { ErrorCode } from '../../domain/errors.ts';
import { en, enErrors, type MessageKey } from './en.ts';
import { fr, frErrors } from './fr.ts';

export type Locale = 'en' | 'fr';

export interface Translator {
  locale: Locale;
  /** The message of `key` with its `{name}` placeholders filled from `values`. */
  t(key: MessageKey, values?: Record<string, string | number>): string;
  /** The translated title of an API error code, or undefined for a code this version does not know. */
  errorTitle(code: string): string | undefined;
  formatNumber(value: number): string;
}

const catalogs: Record<Locale, { messages: Record<MessageKey, string>; errors: Record<ErrorCode, string> }> = {
  en: { messages: en, errors: enErrors },
  fr: { messages: fr, errors: frErrors },
};

/**
 * Detects the language of the messages from the environment, in the POSIX order: LC_ALL, then LC_MESSAGES,
 * then LANG. A value starting with `fr` selects French; anything else English.
 */
export function detectLocale(env: NodeJS.ProcessEnv): Locale {
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return value.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export function createTranslator(locale: Locale): Translator {
  const { messages, errors } = catalogs[locale];
  const numberFormat = new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-US');
  return {
    locale,
    t: (key, values = {}) =>
      messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)),
    errorTitle: (code) => (Object.hasOwn(errors, code) ? errors[code as ErrorCode] : undefined),
    formatNumber: (value) => numberFormat.format(value),
  };
}

export const messageCatalogs = { en, fr };
export const errorCatalogs = { en: enErrors, fr: frErrors };
