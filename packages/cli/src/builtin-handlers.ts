import { type Job, UnrecoverableError } from '@taskharbor/core';
import type { Handler } from '@taskharbor/worker';
import { tryParseDuration } from './args/duration.js';

/** Handlers `worker run` has without any code, for smoke tests, demos and drills. */
export const BUILTIN_NAMES = ['echo', 'fail', 'sleep'] as const;
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

export function isBuiltinName(name: string): name is BuiltinName {
  return (BUILTIN_NAMES as readonly string[]).includes(name);
}

export interface BuiltinDeps {
  /** Shows a job the echo handler ran (the worker command prints it). */
  echo(job: Job<unknown>): void;
}

const SLEEP_FORMS = 'a number of milliseconds (1500 or "1500"), a duration ("1.5s"), {"ms":1500} or {"duration":"1.5s"}';

function fromNumber(value: number): number | undefined {
  return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

function fromText(text: string): number | undefined {
  // Plain digits are milliseconds here (the payload documents its unit), unlike duration flags.
  if (/^\d+$/.test(text.trim())) return Number(text);
  return tryParseDuration(text);
}

/**
 * How long the sleep handler sleeps for a payload. A payload it cannot read
 * throws an UnrecoverableError: running the job again would fail the same
 * way, so it goes straight to the dead-letter queue with the reason.
 */
export function sleepMsFromPayload(payload: unknown): number {
  let ms: number | undefined;
  if (typeof payload === 'number') ms = fromNumber(payload);
  else if (typeof payload === 'string') ms = fromText(payload);
  else if (typeof payload === 'object' && payload !== null) {
    const { ms: msField, duration } = payload as { ms?: unknown; duration?: unknown };
    if (typeof msField === 'number') ms = fromNumber(msField);
    else if (typeof duration === 'string') ms = fromText(duration);
    else if (typeof duration === 'number') ms = fromNumber(duration);
  }
  if (ms === undefined) {
    throw new UnrecoverableError(`sleep: cannot read a duration from the payload ${JSON.stringify(payload) ?? 'undefined'}; give ${SLEEP_FORMS}`);
  }
  return ms;
}

/** Sleeps, ending early with the signal's reason (timeout, lost lease, forced shutdown). */
function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function failMessage(job: Job<unknown>): { message: string; unrecoverable: boolean } {
  const payload = job.payload as { message?: unknown; unrecoverable?: unknown } | undefined;
  const given = typeof payload === 'object' && payload !== null ? payload : {};
  return {
    message:
      typeof given.message === 'string'
        ? given.message
        : `failed on purpose by the built-in fail handler (attempt ${job.attempt} of ${job.maxAttempts})`,
    unrecoverable: given.unrecoverable === true,
  };
}

/**
 * The handler for one built-in:
 * - echo prints the job and its payload, and succeeds;
 * - fail always throws (`{"message": "..."}` sets the message,
 *   `{"unrecoverable": true}` dead-letters at once), to drill retries and
 *   the dead-letter queue;
 * - sleep waits for the payload's duration, honouring the job's signal, to
 *   try leases, heartbeats, timeouts and shutdown.
 */
export function builtinHandler(name: BuiltinName, deps: BuiltinDeps): Handler {
  switch (name) {
    case 'echo':
      return (job) => {
        deps.echo(job);
      };
    case 'fail':
      return (job) => {
        const { message, unrecoverable } = failMessage(job);
        throw unrecoverable ? new UnrecoverableError(message) : new Error(message);
      };
    case 'sleep':
      return async (job, ctx) => {
        await sleepFor(sleepMsFromPayload(job.payload), ctx.signal);
      };
  }
}
