import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { useApp } from '../session-context.js';

/**
 * Runs an action once at a time: `busy` disables its button meanwhile, the
 * outcome is announced at the top of the page, and `after` runs on success
 * (a reload, or a move to another view).
 */
export function useAction() {
  const app = useApp();
  const [busy, setBusy] = useState(false);
  async function run<T>(action: () => Promise<T>, describe: (answer: T) => string, after?: (answer: T) => void): Promise<void> {
    if (busy) return;
    setBusy(true);
    try {
      const answer = await action();
      app.notify(describe(answer), 'ok');
      after?.(answer);
    } catch (error) {
      app.notify(error instanceof ApiError || error instanceof Error ? error.message : String(error), 'error');
    } finally {
      setBusy(false);
    }
  }
  return { busy, run };
}
