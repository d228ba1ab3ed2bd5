import { describe, expect, it } from 'vitest';
import { applyChanges, describeLimits, limitChanges, rateFlag } from '../src/args/flow-limits.js';
import { Args } from '../src/args/parse.js';
import { UsageError } from '../src/errors.js';

describe('limit flags', () => {
  it.each([
    ['100/1s', { max: 100, perMs: 1000 }],
    ['10/250ms', { max: 10, perMs: 250 }],
    ['1000/1m', { max: 1000, perMs: 60_000 }],
  ])('rate %s reads as %o', (text, rate) => {
    expect(rateFlag(text)).toEqual(rate);
  });

  it.each(['100', '0/1s', '100/0', '100/10', 'x/1s', '-1/1s', '100/2d', '100000001/1s'])('rate %s is a usage error', (text) => {
    expect(() => rateFlag(text)).toThrow(UsageError);
  });

  it('concurrency_must_be_a_positive_whole_number_or_none', () => {
    expect(limitChanges(new Args({ concurrency: '3' }, []))).toEqual({ concurrency: 3 });
    expect(limitChanges(new Args({ concurrency: 'none' }, []))).toEqual({ concurrency: 'none' });
    for (const bad of ['0', '-2', '1.5', 'many']) expect(() => limitChanges(new Args({ concurrency: bad }, []))).toThrow(UsageError);
  });

  it('changes_keep_what_is_not_given_and_clear_what_is_none', () => {
    const stored = { concurrency: 5, rate: { max: 10, perMs: 1000 } };
    expect(applyChanges(stored, { concurrency: 8 })).toEqual({ concurrency: 8, rate: { max: 10, perMs: 1000 } });
    expect(applyChanges(stored, { rate: 'none' })).toEqual({ concurrency: 5 });
    expect(applyChanges(stored, { concurrency: 'none', rate: 'none' })).toEqual({});
    expect(applyChanges({}, { rate: { max: 1, perMs: 50 } })).toEqual({ rate: { max: 1, perMs: 50 } });
  });

  it('describes_limits_for_people', () => {
    expect(describeLimits({})).toBe('none');
    expect(describeLimits({ concurrency: 2, rate: { max: 100, perMs: 1000 } })).toBe('concurrency 2, rate 100/1s');
  });
});
