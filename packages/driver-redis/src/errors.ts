import { OutcomeUnknownError } from '@taskharbor/core';
import { clientErrorText } from './client-error-text.js';
import { failedCommand } from './connect-setup.js';

/**
 * Errors of the Redis driver that the behaviour contract does not name. The
 * contract's own errors (lease mismatch, not found, …) come from core.
 */

/** What to check when a setup command failed, by the command ioredis attaches to the reply. */
const SETUP_HINTS: Readonly<Record<string, string>> = {
  AUTH: 'check the username and password (in the URL or redisOptions)',
  SELECT: "the database number must be below the server's `databases` setting (16 unless configured)",
  CLIENT: 'check redisOptions.connectionName (Redis refuses spaces and newlines in it)',
};
const DEFAULT_HINT = 'check REDIS_URL (or REDIS_ADDR), that Redis runs there and that the credentials are right';

/**
 * Connecting to Redis failed, or setting up the connection did (AUTH,
 * SELECT, CLIENT SETNAME, the data-model check); the client was closed and
 * nothing was written. `cause` is the error that stopped it.
 */
export class RedisConnectError extends Error {
  readonly code = 'REDIS_CONNECT';
  /** The message without the address: which step failed, why, and what to check. */
  readonly reason: string;
  constructor(target: string, cause: unknown) {
    const reason = describeCause(cause);
    super(`could not connect to Redis at ${target}: ${reason}`, { cause });
    this.name = 'RedisConnectError';
    this.reason = reason;
  }
}

function describeCause(cause: unknown): string {
  // The data-model error says itself what to do.
  if (cause instanceof RedisDataModelError) return cause.message;
  const reason = clientErrorText(cause);
  const command = failedCommand(cause);
  if (command === undefined) return `${reason}; ${DEFAULT_HINT}`;
  return `${command} failed: ${reason}; ${SETUP_HINTS[command] ?? DEFAULT_HINT}`;
}

/**
 * The connection dropped (or timed out) after a state-changing script may
 * have been sent, so whether it ran is unknown. The driver never sends such
 * a script twice on its own: the caller reports the error and the job's lease
 * decides what happens next (an unacked job is reclaimed when it expires).
 */
export class RedisOutcomeUnknownError extends OutcomeUnknownError {
  constructor(operation: string, cause: unknown) {
    const reason = clientErrorText(cause);
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
