import { MAX_TIME_MS } from '@taskharbor/core';
import { UsageError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** One `<number><unit>` part; `ms` is tried before `m` so `250ms` is not read as 250 minutes and a stray `s`. */
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)/y;

/**
 * Reads a duration such as `250ms`, `10s`, `1.5s`, `5m`, `2h`, `1d` or a
 * compound `1h30m` into whole milliseconds (rounded). A bare number has no
 * unit and is refused here: `--delay 10` could mean seconds or
 * milliseconds, and guessing wrong schedules a job a thousand times too
 * early or late. `0` is the one bare number allowed, since it is the same
 * in every unit. Returns undefined when the text is not a duration.
 */
export function tryParseDuration(text: string): number | undefined {
  const input = text.trim();
  if (input === '0') return 0;
  if (input === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  while (PART.lastIndex < input.length) {
    const start = PART.lastIndex;
    const match = PART.exec(input);
    if (match === null || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  const ms = Math.round(total);
  return Number.isFinite(ms) && ms <= MAX_TIME_MS ? ms : undefined;
}

export interface DurationBounds {
  /** Smallest allowed value in ms; default 0. */
  min?: number;
}

/** A duration flag's value, or a usage error that says what a duration looks like. */
export function durationFlag(flag: string, text: string, bounds: DurationBounds = {}): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) {
    throw new UsageError(
      `--${flag}: ${JSON.stringify(text)} is not a duration; give a number with a unit, such as 250ms, 10s, 1.5s, 5m, 2h or 1h30m`,
    );
  }
  const min = bounds.min ?? 0;
  if (ms < min) throw new UsageError(`--${flag}: must be at least ${formatDurationMs(min)}, got ${JSON.stringify(text)}`);
  return ms;
}

/**
 * Writes milliseconds back in the same notation, largest units first, for
 * messages and tables: 1500 → `1.5s`, 90000 → `1m30s`, 250 → `250ms`.
 */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  if (rest < 60_000) {
    // One decimal at most: 1.5s, 12.3s, 10s.
    return `${sign}${Number((rest / 1000).toFixed(1))}s`;
  }
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
    // Two units are enough to read at a glance: 2d3h, not 2d3h4m5s.
    if (parts.length === 2) break;
  }
  return sign + parts.join('');
}
