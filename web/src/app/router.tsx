// A small history router: the server returns index.html for every client path, so plain paths
// work on reload. Routes are matched in App.

import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

export function useLocation(): { path: string; search: URLSearchParams } {
  const [location, setLocation] = useState(() => currentLocation());

  useEffect(() => {
    const update = () =>
      setLocation((previous) => {
        const next = currentLocation();
        return next.path === previous.path && next.search === previous.search ? previous : next;
      });
    listeners.add(update);
    window.addEventListener('popstate', update);
    // A child may have navigated before this effect subscribed: child effects run first.
    update();
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);

  return { path: location.path, search: new URLSearchParams(location.search) };
}

function currentLocation() {
  return { path: window.location.pathname, search: window.location.search };
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}
