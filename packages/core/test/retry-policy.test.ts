import { describe, expect, it } from 'vitest';
import { RetryPolicy, ValidationError } from '../src/index.js';

describe('RetryPolicy', () => {
  it('exponential_without_jitter_doubles_from_base_up_to_cap', () => {
    const policy = RetryPolicy.exponential({ baseMs: 100, maxMs: 1000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map((n) => policy.delayMs(n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('exponential_jitter_stays_between_half_and_full_delay_by_default', () => {
    const low = RetryPolicy.exponential({ baseMs: 1000, random: () => 0 });
    const high = RetryPolicy.exponential({ baseMs: 1000, random: () => 0.999999 });
    expect(low.delayMs(3)).toBe(2000);
    expect(high.delayMs(3)).toBe(4000);
  });

  it('full_jitter_can_reach_zero', () => {
    const policy = RetryPolicy.exponential({ baseMs: 1000, jitter: 1, random: () => 0 });
    expect(policy.delayMs(4)).toBe(0);
    expect(policy.nextRunAt(4, 5000)).toBeUndefined();
  });

  it('same_random_source_gives_same_delays', () => {
    const seeded = () => {
      let state = 42;
      return () => {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        return state / 2 ** 31;
      };
    };
    const a = RetryPolicy.exponential({ random: seeded() });
    const b = RetryPolicy.exponential({ random: seeded() });
    const delays = (p: RetryPolicy) => [1, 2, 3, 4, 5].map((n) => p.delayMs(n));
    expect(delays(a)).toEqual(delays(b));
  });

  it('huge_attempt_counts_stay_at_the_cap', () => {
    const policy = RetryPolicy.exponential({ baseMs: 1000, maxMs: 60_000, jitter: 0 });
    expect(policy.delayMs(10_000)).toBe(60_000);
  });

  it('fixed_waits_the_same_every_time', () => {
    const policy = RetryPolicy.fixed(250);
    expect(policy.delayMs(1)).toBe(250);
    expect(policy.delayMs(9)).toBe(250);
    expect(policy.nextRunAt(2, 10_000)).toBe(10_250);
  });

  it('custom_sees_attempts_and_error', () => {
    const policy = RetryPolicy.custom((attempts, error) => (error instanceof RangeError ? 0 : attempts * 10));
    expect(policy.delayMs(3, new Error('x'))).toBe(30);
    expect(policy.delayMs(3, new RangeError('x'))).toBe(0);
  });

  it('custom_returning_nonsense_means_no_delay', () => {
    expect(RetryPolicy.custom(() => Number.NaN).delayMs(1)).toBe(0);
    expect(RetryPolicy.custom(() => -5).delayMs(1)).toBe(0);
  });

  it('invalid_settings_are_validation_errors', () => {
    expect(() => RetryPolicy.exponential({ baseMs: -1 })).toThrow(ValidationError);
    expect(() => RetryPolicy.exponential({ factor: 0.5 })).toThrow(ValidationError);
    expect(() => RetryPolicy.exponential({ jitter: 2 })).toThrow(ValidationError);
    expect(() => RetryPolicy.fixed(Number.POSITIVE_INFINITY)).toThrow(ValidationError);
  });
});
