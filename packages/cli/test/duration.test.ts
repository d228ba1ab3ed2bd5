import { describe, expect, it } from 'vitest';
import { durationFlag, formatDurationMs, tryParseDuration } from '../src/args/duration.js';
import { UsageError } from '../src/errors.js';

describe('tryParseDuration', () => {
  it.each([
    ['250ms', 250],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['.5s', 500],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['2s500ms', 2_500],
    ['0', 0],
    [' 10s ', 10_000],
    ['0.0004s', 0],
    ['1.0006s', 1_001],
  ])('reads %j as %i ms', (text, ms) => {
    expect(tryParseDuration(text)).toBe(ms);
  });

  it.each(['', '10', '1500', 's', '10 s', '-5s', '5x', '1.s', '10sec', '5m3', '1e3ms', 'ms', '10S', '99999999999d'])(
    'refuses %j',
    (text) => {
      expect(tryParseDuration(text)).toBeUndefined();
    },
  );
});

describe('durationFlag', () => {
  it('names the flag and shows the accepted forms in its usage error', () => {
    expect(() => durationFlag('delay', '10')).toThrow(UsageError);
    expect(() => durationFlag('delay', '10')).toThrow(/--delay: "10" is not a duration; give a number with a unit, such as 250ms, 10s/);
  });

  it('enforces the lower bound', () => {
    expect(durationFlag('lease', '1s', { min: 1 })).toBe(1000);
    expect(() => durationFlag('lease', '0', { min: 1 })).toThrow(/--lease: must be at least 1ms/);
  });
});

describe('formatDurationMs', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [12_345, '12.3s'],
    [59_999, '60s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
    [2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000, '2d3h'],
    [-1_500, '-1.5s'],
  ])('writes %i ms as %j', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });

  it('round-trips what it writes for whole units', () => {
    for (const ms of [250, 1_000, 90_000, 5_400_000]) expect(tryParseDuration(formatDurationMs(ms))).toBe(ms);
  });
});
