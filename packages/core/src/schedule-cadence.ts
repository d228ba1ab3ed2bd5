import { Cron } from 'croner';
import { ValidationError } from './errors.js';
import { MAX_TIME_MS } from './limits.js';
import type { ScheduleSpec } from './schedule-types.js';

/** The fields that decide when a schedule ticks. */
export type Cadence = Pick<ScheduleSpec, 'cron' | 'everyMs' | 'timezone' | 'startAt' | 'endAt'>;

/**
 * Parsed cron expressions by zone and text. Parsing costs more than a
 * next-time lookup, and a worker asks about the same few schedules at every
 * tick; the map is bounded so a process that sees many expressions stays small.
 */
const parsed = new Map<string, Cron>();
const PARSED_MAX = 256;

function cronOf(expression: string, timezone: string): Cron {
  const key = `${timezone}\n${expression}`;
  let cron = parsed.get(key);
  if (cron === undefined) {
    // 'paused' and no function: croner never starts a timer for it; it only computes times.
    cron = new Cron(expression, { timezone, mode: '5-or-6-parts', paused: true });
    if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string);
    parsed.set(key, cron);
  }
  return cron;
}

/** Checks an IANA time zone name through Intl, which knows the zones of the running Node. */
export function validateTimezone(timezone: unknown): asserts timezone is string {
  if (typeof timezone !== 'string' || timezone === '') throw new ValidationError('timezone', 'expected an IANA time zone name such as Europe/Berlin');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch (cause) {
    throw new ValidationError('timezone', `unknown time zone ${JSON.stringify(timezone)}; use an IANA name such as Europe/Berlin or UTC`, { cause });
  }
}

/**
 * Checks a cron expression: 5 fields, or 6 with seconds first, or a
 * nickname (`@daily`), in croner's syntax, that matches at least one date.
 */
export function validateCron(expression: unknown, timezone: string): asserts expression is string {
  if (typeof expression !== 'string' || expression.trim() === '') throw new ValidationError('cron', 'expected a cron expression such as "*/5 * * * *"');
  let cron: Cron;
  try {
    cron = cronOf(expression, timezone);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.replace(/^CronPattern: /, '') : String(cause);
    throw new ValidationError('cron', `${JSON.stringify(expression)} is not a cron expression of 5 or 6 fields: ${reason}`, { cause });
  }
  if (cron.nextRun(new Date(0)) === null) {
    throw new ValidationError('cron', `${JSON.stringify(expression)} never matches a date (such as February 30)`);
  }
}

/**
 * The first tick strictly after `after` (and at or after startAt), or
 * undefined when none comes before endAt (or before MAX_TIME_MS).
 */
export function nextTick(cadence: Cadence, after: number): number | undefined {
  const floor = cadence.startAt === undefined ? after : Math.max(after, cadence.startAt - 1);
  let tick: number | undefined;
  if (cadence.everyMs !== undefined) {
    const anchor = cadence.startAt ?? 0;
    tick = floor < anchor ? anchor : anchor + (Math.floor((floor - anchor) / cadence.everyMs) + 1) * cadence.everyMs;
  } else {
    tick = cronOf(cadence.cron as string, cadence.timezone).nextRun(new Date(floor))?.getTime();
  }
  if (tick === undefined || tick > MAX_TIME_MS) return undefined;
  if (cadence.endAt !== undefined && tick > cadence.endAt) return undefined;
  return tick;
}

/**
 * The latest `count` ticks from `from` to `now`, both included, in
 * ascending order (only those within startAt and endAt).
 */
export function lastTicks(cadence: Cadence, from: number, now: number, count: number): number[] {
  const low = Math.max(from, cadence.startAt ?? 0);
  const high = cadence.endAt === undefined ? now : Math.min(now, cadence.endAt);
  if (high < low || count < 1) return [];
  const ticks: number[] = [];
  if (cadence.everyMs !== undefined) {
    const anchor = cadence.startAt ?? 0;
    for (let tick = anchor + Math.floor((high - anchor) / cadence.everyMs) * cadence.everyMs; tick >= low && ticks.length < count; tick -= cadence.everyMs) {
      ticks.push(tick);
    }
  } else {
    const cron = cronOf(cadence.cron as string, cadence.timezone);
    // previousRuns looks back from before its reference: one millisecond past `high` includes a tick at `high`.
    for (const date of cron.previousRuns(count, new Date(high + 1))) {
      const tick = date.getTime();
      if (tick < low) break;
      ticks.push(tick);
    }
  }
  return ticks.reverse();
}
