import { describe, expect, it } from 'vitest';
import {
  Client,
  type Driver,
  effectiveGroupLimits,
  MAX_GROUP_NAME_LENGTH,
  MAX_PRIORITY,
  MIN_PRIORITY,
  normalizeFlowLimits,
  RateLimitedError,
  UnsupportedOperationError,
  ValidationError,
  validateFlowLimits,
} from '../src/index.js';

// Refused input must never reach the driver, so it throws if it is called.
function untouchable(families: readonly string[]): Driver {
  return new Proxy({ families } as unknown as Driver, {
    get(target, key) {
      if (key === 'families') return (target as unknown as { families: readonly string[] }).families;
      return () => {
        throw new Error(`driver.${String(key)} was called for input that should have been rejected`);
      };
    },
  });
}

describe('flow-control input on enqueue', () => {
  const client = new Client(untouchable(['flowControl']));

  it.each([
    ['fractional_priority', { priority: 1.5 }],
    ['priority_below_range', { priority: MIN_PRIORITY - 1 }],
    ['priority_above_range', { priority: MAX_PRIORITY + 1 }],
    ['nan_priority', { priority: Number.NaN }],
    ['empty_group', { group: '' }],
    ['group_with_brace', { group: 'tenant{1}' }],
    ['group_with_space', { group: 'tenant 1' }],
    ['group_with_newline', { group: 'a\nb' }],
    ['group_too_long', { group: 'g'.repeat(MAX_GROUP_NAME_LENGTH + 1) }],
  ])('%s_is_a_validation_error_before_the_driver', async (_name, options) => {
    await expect(client.enqueue('t', {}, options)).rejects.toBeInstanceOf(ValidationError);
  });

  it('a_priority_or_group_on_a_driver_without_flow_control_is_unsupported', async () => {
    const plain = new Client(untouchable([]));
    await expect(plain.enqueue('t', {}, { priority: 3 })).rejects.toBeInstanceOf(UnsupportedOperationError);
    await expect(plain.enqueue('t', {}, { group: 'acme' })).rejects.toBeInstanceOf(UnsupportedOperationError);
  });

  it('priority_zero_needs_no_flow_control_and_is_not_stored', async () => {
    const seen: unknown[] = [];
    const driver = {
      families: [],
      enqueue: async (record: unknown) => {
        seen.push(record);
        return { id: 'x', existed: false };
      },
    };
    await new Client(driver as unknown as Driver).enqueue('t', {}, { priority: 0 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toHaveProperty('priority');
  });
});

describe('validateFlowLimits', () => {
  it.each([
    ['not_an_object', 5],
    ['null', null],
    ['unknown_field', { parallel: 2 }],
    ['zero_concurrency', { concurrency: 0 }],
    ['negative_concurrency', { concurrency: -1 }],
    ['fractional_concurrency', { concurrency: 1.5 }],
    ['rate_without_window', { rate: { max: 10 } }],
    ['rate_zero_max', { rate: { max: 0, perMs: 1000 } }],
    ['rate_fractional_window', { rate: { max: 10, perMs: 0.5 } }],
    ['rate_window_over_a_day', { rate: { max: 10, perMs: 86_400_001 } }],
    ['rate_unknown_field', { rate: { max: 10, perMs: 1000, burst: 2 } }],
  ])('%s_is_refused', (_name, limits) => {
    expect(() => validateFlowLimits(limits)).toThrow(ValidationError);
  });

  it('accepts_empty_and_full_limits', () => {
    expect(() => validateFlowLimits({})).not.toThrow();
    expect(() => validateFlowLimits({ concurrency: 2, rate: { max: 100, perMs: 1000 } })).not.toThrow();
  });

  it('normalizes_and_lays_overrides_over_defaults_field_by_field', () => {
    expect(normalizeFlowLimits({ concurrency: undefined, rate: { max: 1, perMs: 2 } })).toEqual({ rate: { max: 1, perMs: 2 } });
    const defaults = { concurrency: 2, rate: { max: 10, perMs: 1000 } };
    expect(effectiveGroupLimits(defaults, { concurrency: 5 })).toEqual({ concurrency: 5, rate: { max: 10, perMs: 1000 } });
    expect(effectiveGroupLimits(defaults, {})).toEqual(defaults);
  });
});

describe('RateLimitedError', () => {
  it('carries_its_hold_and_a_stable_code', () => {
    const error = new RateLimitedError(1500);
    expect(error.ms).toBe(1500);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error).toBeInstanceOf(RateLimitedError);
  });
});
