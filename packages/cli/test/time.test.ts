import { describe, expect, it } from 'vitest';
import { SECONDS_BELOW, timeFlag, tryParseTime } from '../src/args/time.js';

describe('tryParseTime: RFC 3339', () => {
  it.each([
    ['2025-06-01T09:30:00Z', Date.UTC(2025, 5, 1, 9, 30, 0)],
    ['2025-06-01t09:30:00z', Date.UTC(2025, 5, 1, 9, 30, 0)],
    ['2025-06-01 09:30:00Z', Date.UTC(2025, 5, 1, 9, 30, 0)],
    ['2025-06-01T11:30:00+02:00', Date.UTC(2025, 5, 1, 9, 30, 0)],
    ['2025-06-01T04:00:00-05:30', Date.UTC(2025, 5, 1, 9, 30, 0)],
    ['2025-06-01T09:30:00.5Z', Date.UTC(2025, 5, 1, 9, 30, 0, 500)],
    ['2025-06-01T09:30:00.123456789Z', Date.UTC(2025, 5, 1, 9, 30, 0, 123)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['1970-01-01T00:00:00Z', 0],
  ])('reads %j', (text, ms) => {
    expect(tryParseTime(text)).toBe(ms);
  });

  it.each([
    ['no offset (would depend on the machine time zone)', '2025-06-01T09:30:00'],
    ['date only', '2025-06-01'],
    ['February 30', '2025-02-30T00:00:00Z'],
    ['February 29 of a common year', '2025-02-29T00:00:00Z'],
    ['month 13', '2025-13-01T00:00:00Z'],
    ['hour 24', '2025-06-01T24:00:00Z'],
    ['minute 60', '2025-06-01T09:60:00Z'],
    ['offset hour 24', '2025-06-01T09:30:00+24:00'],
    ['before 1970', '1969-12-31T23:59:59Z'],
    ['after 2286', '2300-01-01T00:00:00Z'],
    ['words', 'tomorrow'],
    ['empty', ''],
  ])('refuses %s', (_why, text) => {
    expect(tryParseTime(text)).toBeUndefined();
  });
});

describe('tryParseTime: unix seconds and milliseconds', () => {
  it('reads numbers below 1e11 as seconds', () => {
    expect(tryParseTime('1748770200')).toBe(1_748_770_200_000);
    expect(tryParseTime('1748770200.25')).toBe(1_748_770_200_250);
    expect(tryParseTime('0')).toBe(0);
    expect(tryParseTime('9999999999')).toBe(9_999_999_999_000);
  });

  it('refuses seconds past 2286 rather than reading them as milliseconds', () => {
    expect(tryParseTime(String(SECONDS_BELOW - 1))).toBeUndefined();
    expect(tryParseTime('10000000000')).toBeUndefined();
  });

  it('reads numbers from 1e11 as milliseconds', () => {
    expect(tryParseTime('1748770200000')).toBe(1_748_770_200_000);
    expect(tryParseTime(String(SECONDS_BELOW))).toBe(SECONDS_BELOW);
  });

  it.each(['-1', '1748770200000.5', '1e12', '0x10', '99999999999999', '12 34'])('refuses %j', (text) => {
    expect(tryParseTime(text)).toBeUndefined();
  });
});

describe('timeFlag', () => {
  it('shows the accepted forms in its usage error', () => {
    expect(() => timeFlag('run-at', 'tomorrow')).toThrow(
      /--run-at: "tomorrow" is not a time; use RFC 3339 with an offset \(2025-06-01T09:30:00Z\), unix seconds/,
    );
  });
});
