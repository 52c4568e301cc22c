// The language of the UI: the remembered choice first, then the browser's languages, then English.
// Dates show in the user's time zone with the zone named; numbers in the user's locale.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey, type Messages } from './en.ts';
import { fr } from './fr.ts';

export type Language = 'en' | 'fr';

export const catalogs: Record<Language, Messages> = { en, fr };
export const languages: Language[] = ['en', 'fr'];

const storageKey = 'tributary.language';

export function initialLanguage(): Language {
  const saved = localStorage.getItem(storageKey);
  if (saved === 'en' || saved === 'fr') return saved;

  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

export type Params = Record<string, string | number>;

export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export const userTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t(key: MessageKey, params?: Params): string;
  /** A message by a key built at run time, such as an error code; undefined when the catalog lacks it. */
  lookup(key: string, params?: Params): string | undefined;
  dateTime(iso: string | null | undefined, timeZone?: string): string;
  /** The same with a numeric date, for table cells. */
  shortDateTime(iso: string | null | undefined): string;
  /** A window "start – end" with numeric dates, the shared date written once, in the user's zone. */
  shortDateTimeRange(startIso: string, endIso: string): string;
  number(value: number | null | undefined, options?: Intl.NumberFormatOptions): string;
  duration(ms: number | null | undefined): string;
  bytes(value: number | null | undefined): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);

  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(storageKey, next);
    setLanguageState(next);
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const value = useMemo<I18n>(() => {
    const messages = catalogs[language];
    const locale = localeFor(language);
    const dateFormats = new Map<string, Intl.DateTimeFormat>();
    const formatDate = (iso: string | null | undefined, timeZone: string, dateStyle: 'medium' | 'short') => {
      if (!iso) return '—';
      const date = new Date(iso);
      if (Number.isNaN(date.getTime())) return iso;

      const cacheKey = `${timeZone}/${dateStyle}`;
      let formatter = dateFormats.get(cacheKey);
      if (!formatter) {
        formatter = new Intl.DateTimeFormat(locale, { dateStyle, timeStyle: 'medium', timeZone });
        dateFormats.set(cacheKey, formatter);
      }
      return `${formatter.format(date)} ${zoneLabel(timeZone)}`;
    };
    const rangeFormat = new Intl.DateTimeFormat(locale, {
      dateStyle: 'short',
      timeStyle: 'medium',
      timeZone: userTimeZone,
    });
    const formatRange = (startIso: string, endIso: string) => {
      const start = new Date(startIso);
      const end = new Date(endIso);
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end < start) return `${startIso} – ${endIso}`;
      return `${rangeFormat.formatRange(start, end)} ${zoneLabel(userTimeZone)}`;
    };
    const numberFormat = new Intl.NumberFormat(locale);

    return {
      language,
      setLanguage,
      t: (key, params) => format(messages[key], params),
      lookup: (key, params) => {
        const template = (messages as Record<string, string>)[key];
        return template === undefined ? undefined : format(template, params);
      },
      dateTime: (iso, timeZone = userTimeZone) => formatDate(iso, timeZone, 'medium'),
      shortDateTime: (iso) => formatDate(iso, userTimeZone, 'short'),
      shortDateTimeRange: formatRange,
      number: (value, options) => {
        if (value === null || value === undefined || Number.isNaN(value)) return '—';
        return options ? new Intl.NumberFormat(locale, options).format(value) : numberFormat.format(value);
      },
      duration: (ms) => formatDuration(ms, locale),
      bytes: (value) => formatBytes(value, locale),
    };
  }, [language, setLanguage]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n needs an I18nProvider above it');
  return value;
}

/** Picks the browser's own variant of the language (en-US, fr-CA…) for dates and numbers. */
function localeFor(language: Language): string {
  const own = (navigator.languages ?? [navigator.language]).find((tag) => tag.toLowerCase().split('-')[0] === language);
  return own ?? (language === 'fr' ? 'fr-FR' : 'en-GB');
}

/** Returns the IANA name, which is clearer than an abbreviation like CET and the same in both languages. */
function zoneLabel(timeZone: string): string {
  return timeZone === 'UTC' || timeZone === 'Etc/UTC' ? 'UTC' : `(${timeZone})`;
}

function formatDuration(ms: number | null | undefined, locale: string): string {
  if (ms === null || ms === undefined || ms < 0) return '—';
  if (ms < 1000) return `${new Intl.NumberFormat(locale).format(ms)} ms`;

  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  if (minutes > 0) return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
  return `${seconds} s`;
}

function formatBytes(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let amount = value;
  let unit = 0;
  while (amount >= 1000 && unit < units.length - 1) {
    amount /= 1000;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(amount)} ${units[unit]}`;
}
