import { useEffect, useState } from 'preact/hooks';

/**
 * The page's place lives in the URL hash (`#/queue/default?status=dlq`), so
 * the server serves one page at any mount path, and a reload or a shared
 * link opens the same view.
 */
export interface Route {
  /** The path segments, decoded: [] for the overview, ['queue', name], ['job', queue, id], ['dlq', queue]. */
  parts: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = hash.split('?');
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  return { parts, query: new URLSearchParams(search) };
}

/** The hash for a view; empty query values are left out. */
export function href(parts: readonly string[], query: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, value);
  const text = search.toString();
  return `#/${parts.map(encodeURIComponent).join('/')}${text ? `?${text}` : ''}`;
}

export function navigate(target: string): void {
  window.location.hash = target.replace(/^#/, '');
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
