/** A timer started by a Clock; pass it back to clearTimeout. */
export interface TimerHandle {
  readonly id: unknown;
}

/**
 * Time as the library sees it. Everything that reads the time or waits goes
 * through a Clock, so tests swap in a fake one and never sleep.
 */
export interface Clock {
  /** Integer epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Resolves after `ms` on the clock, or at once when the signal aborts
 * (it resolves rather than rejects, so callers check `signal.aborted`).
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clock.clearTimeout(handle);
      resolve();
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Node fires a timer longer than 2^31 - 1 ms (about 24.8 days) after 1 ms,
 * which would turn a far-off wake-up into a busy loop; longer waits are
 * chained from timers no longer than this.
 */
const MAX_NODE_TIMER_MS = 2 ** 31 - 1;

interface SystemTimer {
  timer: NodeJS.Timeout;
}

function armSystemTimer(slot: SystemTimer | undefined, callback: () => void, ms: number): SystemTimer {
  const step = Math.min(Math.max(0, ms), MAX_NODE_TIMER_MS);
  const target = slot ?? ({} as SystemTimer);
  target.timer = setTimeout(() => {
    if (ms > step) armSystemTimer(target, callback, ms - step);
    else callback();
  }, step);
  target.timer.unref();
  return target;
}

/** The real clock: Date.now and Node's timers. Its timers do not keep the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    return { id: armSystemTimer(undefined, callback, ms) };
  },
  clearTimeout(handle) {
    clearTimeout((handle.id as SystemTimer).timer);
  },
};
