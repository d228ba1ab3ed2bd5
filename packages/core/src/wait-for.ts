import type { Clock } from './clock.js';
import { WaitTimeoutError } from './errors.js';
import type { JobRecord, JobRef } from './job.js';
import type { JobControl } from './job-control.js';
import { validateDuration } from './validate.js';
import { validateJobRef } from './validate-requests.js';

export interface WaitForOptions {
  /** Reject with WaitTimeoutError after this many milliseconds (on the client's clock). Unset: no limit. */
  timeoutMs?: number;
  /** Aborting it rejects the wait with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Waits for a job to finish through the driver's wake-up (waitForFinish),
 * adding a timeout on the given clock. The driver's wait is always ended,
 * whichever way the wait settles, so no listener is left behind.
 */
export async function waitForJob(
  driver: JobControl,
  clock: Clock,
  ref: JobRef,
  options: WaitForOptions,
): Promise<JobRecord> {
  validateJobRef(ref);
  if (options.timeoutMs !== undefined) validateDuration('timeoutMs', options.timeoutMs);
  options.signal?.throwIfAborted();
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : clock.setTimeout(() => controller.abort(new WaitTimeoutError(ref.id, options.timeoutMs as number)), options.timeoutMs);
  try {
    return await driver.waitForFinish(ref, controller.signal);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    controller.abort();
  }
}
