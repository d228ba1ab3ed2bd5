import { ValidationError } from '@taskharbor/core';

/**
 * The clock lease decisions follow: `caller`, the `now` every call carries
 * (the contract's rule, and what the conformance suite drives), or `server`,
 * Redis's own TIME, read inside each lease script so that workers whose
 * clocks disagree still agree on when a lease ends.
 */
export type LeaseClock = 'caller' | 'server';

export function validateLeaseClock(value: unknown): LeaseClock {
  if (value === undefined) return 'caller';
  if (value === 'caller' || value === 'server') return value;
  throw new ValidationError('leaseClock', `expected 'caller' or 'server', got ${JSON.stringify(value)}`);
}

/** The `now` ARGV of a lease script: the caller's time, or '' to read the server's. */
export function nowArg(clock: LeaseClock, now: number): string {
  return clock === 'server' ? '' : String(now);
}
