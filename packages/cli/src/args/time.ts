import { MAX_TIME_MS } from '@taskharbor/core';
import { UsageError } from '../errors.js';

/**
 * Numbers below this are unix seconds, at or above it unix milliseconds.
 * 1e11 seconds is the year 5138 and 1e11 milliseconds is March 1973, so no
 * time anyone schedules today is ambiguous.
 */
export const SECONDS_BELOW = 100_000_000_000;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Checks every field itself rather than trusting Date.parse, which accepts
 * 2025-02-30 (as March 2) and, for strings without an offset, local time.
 * The offset is required, as RFC 3339 requires it, so a time never depends
 * on the machine's time zone.
 */
function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (year === undefined || month === undefined || day === undefined) return undefined;
  if (hour === undefined || minute === undefined || second === undefined) return undefined;
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  let offsetMs = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    offsetMs = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offsetMs;
}

function parseUnix(text: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  if (value < SECONDS_BELOW) return Math.round(value * 1000);
  // Milliseconds are the smallest unit the store keeps; a fraction of one is a typo.
  return Number.isInteger(value) ? value : undefined;
}

/**
 * Reads a point in time: RFC 3339 (`2025-06-01T09:30:00Z`,
 * `2025-06-01T11:30:00.5+02:00`), unix seconds (`1748770200`, fractions
 * allowed) or unix milliseconds (`1748770200000`). Returns epoch
 * milliseconds, or undefined when the text is none of these or lies outside
 * what the store accepts (1970 to 2286).
 */
export function tryParseTime(text: string): number | undefined {
  const input = text.trim();
  const ms = parseRfc3339(input) ?? parseUnix(input);
  if (ms === undefined || ms < 0 || ms > MAX_TIME_MS) return undefined;
  return ms;
}

/** A time flag's value, or a usage error that shows the accepted forms. */
export function timeFlag(flag: string, text: string): number {
  const ms = tryParseTime(text);
  if (ms === undefined) {
    throw new UsageError(
      `--${flag}: ${JSON.stringify(text)} is not a time; use RFC 3339 with an offset (2025-06-01T09:30:00Z), unix seconds (1748770200) or unix milliseconds (1748770200000)`,
    );
  }
  return ms;
}
