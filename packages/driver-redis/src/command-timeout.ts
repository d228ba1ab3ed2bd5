import { ValidationError } from '@taskharbor/core';

/**
 * How long the driver waits for the reply to a command before it gives up on
 * it, unless `commandTimeoutMs` says otherwise. A healthy Redis answers in
 * well under a millisecond; a reply this late comes from a node that stopped
 * answering (a stopped process, a network partition), and the caller is
 * better served by an error and the job's lease than by waiting on.
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;

/** The longest delay Node's timers take. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function validateCommandTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_COMMAND_TIMEOUT_MS;
  if (value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_TIMER_MS) {
    throw new ValidationError(
      'commandTimeoutMs',
      `expected whole milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity to wait as long as the connection lives; got ${String(value)}`,
    );
  }
  return value;
}

/** No reply came within the command timeout; the command may still run when the node answers again. */
export class CommandTimeoutError extends Error {
  constructor(ms: number) {
    super(`no reply within the command timeout of ${ms} ms`);
    this.name = 'CommandTimeoutError';
  }
}

/**
 * Settles as `reply` does, or rejects with a CommandTimeoutError after `ms`.
 * The command itself is not cancelled: Redis has no way to take a sent
 * command back, so a timeout leaves its outcome unknown.
 */
export function withinCommandTimeout<T>(ms: number, reply: Promise<T>): Promise<T> {
  if (ms === Number.POSITIVE_INFINITY) return reply;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CommandTimeoutError(ms)), ms);
    reply.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
