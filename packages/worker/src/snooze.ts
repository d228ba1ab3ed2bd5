import { MAX_TIME_MS, ValidationError } from '@taskharbor/core';

/**
 * What ctx.snooze throws so that the handler stops where it called it. The
 * worker knows the run was snoozed whatever the handler does with it, so a
 * handler that catches it by accident still ends snoozed.
 */
export class SnoozeSignal extends Error {
  readonly ms: number;
  constructor(ms: number) {
    super(`job snoozed for ${ms} ms (ctx.snooze); this is not a failure`);
    this.name = 'SnoozeSignal';
    this.ms = ms;
  }
}

/** Checks the delay given to ctx.snooze: a positive integer number of milliseconds. */
export function validateSnoozeMs(ms: unknown): asserts ms is number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms <= 0 || ms > MAX_TIME_MS) {
    throw new ValidationError('ms', `ctx.snooze expects a positive integer number of milliseconds, got ${String(ms)}`);
  }
}

/** The hold a RateLimitedError asks for, or undefined when its ms is not a positive integer (then it is an ordinary failure). */
export function holdMsOf(error: { ms: unknown }): number | undefined {
  const { ms } = error;
  return typeof ms === 'number' && Number.isInteger(ms) && ms > 0 && ms <= MAX_TIME_MS ? ms : undefined;
}
