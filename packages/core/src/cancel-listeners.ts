import type { JobRef } from './job.js';

interface CancelListener {
  readonly queues: ReadonlySet<string>;
  readonly onCancel: (ref: JobRef) => void;
}

/**
 * The subscribeCancels registrations of one driver: each hears the cancel
 * requests of its queues until its signal aborts. For driver authors; the
 * memory and Postgres drivers keep theirs in one.
 */
export class CancelListeners {
  private readonly listeners = new Set<CancelListener>();

  add(queues: readonly string[], signal: AbortSignal, onCancel: (ref: JobRef) => void): void {
    if (signal.aborted) return;
    const listener: CancelListener = { queues: new Set(queues), onCancel };
    this.listeners.add(listener);
    signal.addEventListener('abort', () => this.listeners.delete(listener), { once: true });
  }

  /** Tells every listener of the queue; a listener that throws does not stop the others. */
  requested(ref: JobRef): void {
    for (const listener of [...this.listeners]) {
      if (!listener.queues.has(ref.queue)) continue;
      try {
        listener.onCancel({ queue: ref.queue, id: ref.id });
      } catch {
        // A listener's own failure is its business; the request is stored either way.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
