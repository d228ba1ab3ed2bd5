import { type FlowLimits, MAX_CONCURRENCY_LIMIT, MAX_RATE_MAX, MAX_RATE_WINDOW_MS, type RateLimit } from '@taskharbor/core';
import { UsageError } from '../errors.js';
import { durationFlag, formatDurationMs } from './duration.js';
import { integerFlag } from './numbers.js';
import type { Args } from './parse.js';

/** What the limit flags ask to change: a field given a value is set, one given `none` is cleared, one not given is kept. */
export interface LimitChanges {
  concurrency?: number | 'none';
  rate?: RateLimit | 'none';
}

/** `--rate 100/1s`: at most 100 starts in any second. */
export function rateFlag(text: string): RateLimit {
  const slash = text.indexOf('/');
  if (slash < 0) throw new UsageError(`--rate: expected <max>/<window> such as 100/1s or 10/250ms, got ${JSON.stringify(text)}`);
  const max = integerFlag('rate', text.slice(0, slash), 1, MAX_RATE_MAX);
  const perMs = durationFlag('rate', text.slice(slash + 1), { min: 1 });
  if (perMs > MAX_RATE_WINDOW_MS) throw new UsageError(`--rate: the window may be at most ${formatDurationMs(MAX_RATE_WINDOW_MS)}, got ${JSON.stringify(text)}`);
  return { max, perMs };
}

/** Reads --concurrency and --rate (each a value or `none`). */
export function limitChanges(args: Args): LimitChanges {
  const changes: LimitChanges = {};
  const concurrency = args.string('concurrency');
  if (concurrency !== undefined) {
    changes.concurrency = concurrency === 'none' ? 'none' : integerFlag('concurrency', concurrency, 1, MAX_CONCURRENCY_LIMIT);
  }
  const rate = args.string('rate');
  if (rate !== undefined) changes.rate = rate === 'none' ? 'none' : rateFlag(rate);
  return changes;
}

export function hasChanges(changes: LimitChanges): boolean {
  return changes.concurrency !== undefined || changes.rate !== undefined;
}

/** The stored limits with the changes laid over them. */
export function applyChanges(current: FlowLimits, changes: LimitChanges): FlowLimits {
  const next: FlowLimits = {};
  const concurrency = changes.concurrency ?? current.concurrency;
  if (concurrency !== undefined && concurrency !== 'none') next.concurrency = concurrency;
  const rate = changes.rate ?? current.rate;
  if (rate !== undefined && rate !== 'none') next.rate = rate;
  return next;
}

/** `concurrency 5, rate 100/1s`, or `none`. */
export function describeLimits(limits: FlowLimits): string {
  const parts: string[] = [];
  if (limits.concurrency !== undefined) parts.push(`concurrency ${limits.concurrency}`);
  if (limits.rate !== undefined) parts.push(`rate ${limits.rate.max}/${formatDurationMs(limits.rate.perMs)}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}
