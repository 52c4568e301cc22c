// Short confirmations ("The run is scheduled…"), announced to screen readers through a live region.

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

/** How long a confirmation stays on screen. */
const noticeMs = 8000;

const NoticeContext = createContext<(message: string) => void>(() => {});

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState('');
  const { t } = useI18n();
  const notify = useCallback((next: string) => setMessage(next), []);

  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(''), noticeMs);
    return () => clearTimeout(timer);
  }, [message]);

  return (
    <NoticeContext.Provider value={notify}>
      {children}
      <div className="notice" role="status" aria-live="polite">
        {message && (
          <p>
            {message}
            <button type="button" className="button-link" onClick={() => setMessage('')} aria-label={t('common.close')}>
              ×
            </button>
          </p>
        )}
      </div>
    </NoticeContext.Provider>
  );
}

export function useNotify(): (message: string) => void {
  return useContext(NoticeContext);
}
