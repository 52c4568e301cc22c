import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { NoticeProvider } from './components/Notice.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <NoticeProvider>
        <App />
      </NoticeProvider>
    </I18nProvider>
  </StrictMode>,
);
