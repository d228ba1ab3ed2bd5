import { formatDurationMs } from '../args/duration.js';

/** An epoch millisecond as RFC 3339 in UTC, the form --run-at accepts back. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `in 4m30s`, `12s ago`, `in 250ms`, or `now` (within 10 ms), relative to `now`. */
export function relativeTime(ms: number, now: number): string {
  const delta = ms - now;
  if (Math.abs(delta) < 10) return 'now';
  return delta > 0 ? `in ${formatDurationMs(delta)}` : `${formatDurationMs(-delta)} ago`;
}

/** Both, for inspect: `2025-06-01T09:30:00.000Z (in 4m30s)`. */
export function describeTime(ms: number, now: number): string {
  return `${isoTime(ms)} (${relativeTime(ms, now)})`;
}
