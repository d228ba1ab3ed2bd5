import type { JobRef } from '@taskharbor/core';

interface CancelListener {
  readonly queues: ReadonlySet<string>;
  readonly onCancel: (ref: JobRef) => void;
}

/** The subscribeCancels callers of one driver; each stays until its signal aborts. */
export class CancelListeners {
  private readonly listeners = new Set<CancelListener>();

  add(queues: readonly string[], signal: AbortSignal, onCancel: (ref: JobRef) => void): void {
    if (signal.aborted) return;
    const listener: CancelListener = { queues: new Set(queues), onCancel };
    this.listeners.add(listener);
    signal.addEventListener('abort', () => this.listeners.delete(listener), { once: true });
  }

  /** Tells every listener of the job's queue; one listener that throws does not stop the others. */
  requested(ref: JobRef): void {
    for (const listener of [...this.listeners]) {
      if (!listener.queues.has(ref.queue)) continue;
      try {
        listener.onCancel({ queue: ref.queue, id: ref.id });
      } catch {
        // A listener's own failure is its business; the others still hear the request.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
