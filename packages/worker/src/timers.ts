import type { Clock } from '@taskharbor/core';

/** The longest delay Node's own timers take; the keep-alive interval uses it. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs `callback` once after `ms` on the clock; returns a function that cancels it. */
export function startTimer(clock: Clock, ms: number, callback: () => void): () => void {
  let handle: ReturnType<Clock['setTimeout']> | undefined = clock.setTimeout(() => {
    handle = undefined;
    callback();
  }, Math.max(0, ms));
  return () => {
    if (handle !== undefined) clock.clearTimeout(handle);
    handle = undefined;
  };
}
