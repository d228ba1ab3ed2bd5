import { ValidationError } from './errors.js';

/** Returns a number in [0, 1); Math.random by default, a seeded source in tests. */
export type RandomSource = () => number;

/**
 * Decides how long to wait before the next run after a failure.
 * `attempts` is the count of recorded failures including this one (1 after
 * the first failure).
 */
export type BackoffFunction = (attempts: number, error: unknown) => number;

export interface ExponentialOptions {
  /** Delay after the first failure. Default 1,000 ms. */
  baseMs?: number;
  /** Each later delay is this many times the one before. Default 2. */
  factor?: number;
  /** No delay exceeds this. Default one hour. */
  maxMs?: number;
  /**
   * How much of each delay is random: 0 is none, 1 is "full jitter" (anywhere
   * from 0 to the delay). Default 0.5: between half and all of the delay.
   */
  jitter?: number;
  random?: RandomSource;
}

function checkMs(field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new ValidationError(field, `expected a non-negative finite number, got ${value}`);
}

/**
 * When a failed job runs again. Build one with `RetryPolicy.exponential()`
 * (the default), `RetryPolicy.fixed(ms)` or `RetryPolicy.custom(fn)`.
 *
 * @example
 * const policy = RetryPolicy.exponential({ baseMs: 500, maxMs: 60_000 });
 * policy.delayMs(3, err); // between 1,000 and 2,000 ms
 */
export class RetryPolicy {
  private readonly backoff: BackoffFunction;

  private constructor(backoff: BackoffFunction) {
    this.backoff = backoff;
  }

  /** Exponential backoff with jitter and a cap. */
  static exponential(options: ExponentialOptions = {}): RetryPolicy {
    const baseMs = options.baseMs ?? 1000;
    const factor = options.factor ?? 2;
    const maxMs = options.maxMs ?? 60 * 60 * 1000;
    const jitter = options.jitter ?? 0.5;
    const random = options.random ?? Math.random;
    checkMs('baseMs', baseMs);
    checkMs('maxMs', maxMs);
    if (!Number.isFinite(factor) || factor < 1) throw new ValidationError('factor', `expected a finite number >= 1, got ${factor}`);
    if (!(jitter >= 0 && jitter <= 1)) throw new ValidationError('jitter', `expected a number from 0 to 1, got ${jitter}`);
    return new RetryPolicy((attempts) => {
      const exponent = Math.max(0, attempts - 1);
      const raw = Math.min(maxMs, baseMs * factor ** exponent);
      return raw * (1 - jitter) + raw * jitter * random();
    });
  }

  /** The same delay after every failure. */
  static fixed(ms: number): RetryPolicy {
    checkMs('ms', ms);
    return new RetryPolicy(() => ms);
  }

  /** Any function of the failure count and the error. */
  static custom(backoff: BackoffFunction): RetryPolicy {
    return new RetryPolicy(backoff);
  }

  /** The wait, in whole milliseconds, before the next run after `attempts` recorded failures. */
  delayMs(attempts: number, error?: unknown): number {
    const delay = this.backoff(attempts, error);
    if (!Number.isFinite(delay) || delay < 0) return 0;
    return Math.round(delay);
  }

  /** The epoch millisecond of the next run; undefined when it is runnable at once. */
  nextRunAt(attempts: number, now: number, error?: unknown): number | undefined {
    const delay = this.delayMs(attempts, error);
    return delay === 0 ? undefined : now + delay;
  }
}
