import { OutcomeUnknownError } from '@taskharbor/core';

/**
 * Errors of the Redis driver that the behaviour contract does not name. The
 * contract's own errors (lease mismatch, not found, …) come from core.
 */

/** Connecting to Redis failed; nothing was created. */
export class RedisConnectError extends Error {
  readonly code = 'REDIS_CONNECT';
  constructor(target: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `could not connect to Redis at ${target}: ${reason}; check REDIS_URL (or REDIS_ADDR), that Redis runs there and that the credentials are right`,
      { cause },
    );
    this.name = 'RedisConnectError';
  }
}

/**
 * The connection dropped (or timed out) after a state-changing script may
 * have been sent, so whether it ran is unknown. The driver never sends such
 * a script twice on its own: the caller reports the error and the job's lease
 * decides what happens next (an unacked job is reclaimed when it expires).
 */
export class RedisOutcomeUnknownError extends OutcomeUnknownError {
  constructor(operation: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      operation,
      `${operation}: Redis did not answer (${reason}); the script may or may not have run and is not resent; the job's lease decides what happens next`,
      { cause },
    );
  }
}

/** The prefix holds data of another data-model version than this driver writes. */
export class RedisDataModelError extends Error {
  readonly code = 'DATA_MODEL_VERSION';
  constructor(versionKey: string, found: string | null, expected: string) {
    super(
      `${versionKey} holds data-model version ${JSON.stringify(found)}, but this driver reads and writes version ${expected}; use another keyPrefix or migrate the data`,
    );
    this.name = 'RedisDataModelError';
  }
}
