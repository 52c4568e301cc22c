import { useEffect } from 'react';

/** Sets the browser tab's title, which screen readers also announce when a page opens. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Tributary`;
  }, [title]);
}
