/**
 * Calls `onSignal` on each of the signals; returns a function that removes
 * the listeners. Adding a listener replaces Node's default exit on SIGINT
 * and SIGTERM, so the process exits once the worker has closed and nothing
 * else keeps it alive.
 */
export function closeOnSignals(signals: readonly NodeJS.Signals[], onSignal: () => void): () => void {
  const listener = () => onSignal();
  for (const signal of signals) process.on(signal, listener);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    for (const signal of signals) process.off(signal, listener);
  };
}
