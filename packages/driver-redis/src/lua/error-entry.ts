import { clipErrorText, ERROR_HISTORY_SIZE, type RetryUpdate } from '@taskharbor/core';

/**
 * One error-history entry as the line of JSON retry-6.lua and fail-4.lua
 * append to the job's `errors` field (JSON lines, newest last), and the
 * number of entries kept, as script arguments.
 */
export function errorEntryArgs(update: Pick<RetryUpdate, 'attempts' | 'lastError' | 'failedAt'>): [string, string] {
  const entry = { attempt: update.attempts, message: clipErrorText(update.lastError ?? ''), at: update.failedAt };
  return [JSON.stringify(entry), String(ERROR_HISTORY_SIZE)];
}
