import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  /** When the last answer arrived. */
  updatedAt: number | undefined;
  reload(): void;
}

/**
 * Loads data and loads it again every `everyMs` while the tab is visible
 * and `paused` is false. The previous data stays on screen until the new
 * answer replaces it, and Preact patches only what changed, so a refresh
 * neither flickers nor moves the scroll position or the focus. A change of
 * `key` (another queue, page or filter) drops the old data.
 */
export function usePoll<T>(key: string, load: () => Promise<T>, everyMs: number, paused = false): Polled<T> {
  const [state, setState] = useState<{ key: string; data?: T; error?: Error; updatedAt?: number }>({ key });
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const run = useCallback(() => {
    const mine = ++generation.current;
    loadRef.current().then(
      (data) => {
        if (mine === generation.current) setState({ key, data, updatedAt: Date.now() });
      },
      (error: Error) => {
        if (mine === generation.current) setState((old) => ({ ...(old.key === key ? old : { key }), key, error }));
      },
    );
  }, [key]);

  useEffect(() => {
    run();
    if (paused) return undefined;
    const timer = setInterval(() => {
      if (!document.hidden) run();
    }, everyMs);
    return () => clearInterval(timer);
  }, [run, everyMs, paused]);

  const current = state.key === key ? state : { key };
  return { data: current.data, error: current.error, updatedAt: current.updatedAt, reload: run };
}
