import { useId } from 'react';
import { languages, useI18n, type Language } from '../i18n/i18n.tsx';

export function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  const id = useId();

  return (
    <div className="field-compact">
      <label htmlFor={id}>{t('nav.language')}</label>
      <select id={id} value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
        {languages.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(`lang.${code}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
