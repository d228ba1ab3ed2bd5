type Listener<Payload> = (payload: Payload) => unknown;

/**
 * A minimal typed emitter: one payload object per event, listeners called
 * in the order they were added. A listener that throws or rejects never
 * reaches the emitting code; its error goes to `onListenerError`, because a
 * broken metrics hook must not fail a job or stop the worker's loop.
 */
export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();
  private readonly onListenerError: (event: keyof Events, error: unknown) => void;

  constructor(onListenerError: (event: keyof Events, error: unknown) => void) {
    this.onListenerError = onListenerError;
  }

  /** Adds a listener; returns a function that removes it. */
  on<Event extends keyof Events>(event: Event, listener: Listener<Events[Event]>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  /** Adds a listener that is removed after its first call. */
  once<Event extends keyof Events>(event: Event, listener: Listener<Events[Event]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      return listener(payload);
    });
    return off;
  }

  off<Event extends keyof Events>(event: Event, listener: Listener<Events[Event]>): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    set.delete(listener as Listener<never>);
    if (set.size === 0) this.listeners.delete(event);
  }

  /** Whether the event has a listener. */
  has(event: keyof Events): boolean {
    return this.listeners.has(event);
  }

  emit<Event extends keyof Events>(event: Event, payload: Events[Event]): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set] as Listener<Events[Event]>[]) {
      try {
        const result = listener(payload);
        if (result instanceof Promise) result.catch((error: unknown) => this.reportListenerError(event, error));
      } catch (error) {
        this.reportListenerError(event, error);
      }
    }
  }

  private reportListenerError(event: keyof Events, error: unknown): void {
    try {
      this.onListenerError(event, error);
    } catch {
      // The error reporter itself failed; dropping is the only safe choice left.
    }
  }
}
