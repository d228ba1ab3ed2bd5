import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { SessionView } from '../api/wire.js';

export interface AppContext {
  session: SessionView;
  /** Shows a short message at the top of the page (an action's outcome). */
  notify(message: string, kind?: 'ok' | 'error'): void;
  /** True while a dialog is open or the operator stopped refreshing: polling waits. */
  refreshPaused: boolean;
  setDialogOpen(open: boolean): void;
}

export const App = createContext<AppContext | undefined>(undefined);

export function useApp(): AppContext {
  const app = useContext(App);
  if (app === undefined) throw new Error('useApp outside the app');
  return app;
}
