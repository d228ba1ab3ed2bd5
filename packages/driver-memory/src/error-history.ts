import { clipErrorText, ERROR_HISTORY_SIZE, type FailUpdate, type RetryUpdate } from '@taskharbor/core';
import type { StoredJob } from './stored-job.js';

/** Records a failure from retry or fail: the counters, the last error and one entry of the bounded history. */
export function recordFailure(job: StoredJob, update: RetryUpdate | FailUpdate): void {
  job.attempts = update.attempts;
  job.lastError = update.lastError === undefined ? undefined : clipErrorText(update.lastError);
  job.failedAt = update.failedAt;
  const errors = job.errors ?? [];
  errors.push({ attempt: update.attempts, message: job.lastError ?? '', at: update.failedAt });
  if (errors.length > ERROR_HISTORY_SIZE) errors.splice(0, errors.length - ERROR_HISTORY_SIZE);
  job.errors = errors;
}
