import { type Driver, type Lease, requireJobControl, ValidationError, validateProgressJson } from '@taskharbor/core';
import type { Run } from './run-state.js';

/**
 * ctx.progress: stores `value` as JSON text on the job while the lease is
 * ours. Rejects with UnsupportedOperationError on a driver without job
 * control, a ValidationError for a value that is not JSON or is over
 * MAX_PROGRESS_BYTES, and the driver's lease error when the lease is gone.
 */
export async function writeProgress(driver: Driver, lease: Lease, value: unknown, now: number): Promise<void> {
  const control = requireJobControl(driver, 'report progress');
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw new ValidationError('progress', 'the value cannot be written as JSON', { cause });
  }
  if (json === undefined) throw new ValidationError('progress', `expected a JSON value, got ${typeof value}`);
  validateProgressJson(json);
  await control.setProgress(lease, json, now);
}

/** ctx.progress for a run: writes the value on the run's current lease, then emits the worker's `progress` event. */
export async function reportRunProgress(run: Run, value: unknown): Promise<void> {
  const { driver, options } = run.deps;
  await writeProgress(driver, run.lease, value, options.clock.now());
  if (run.deps.listening('progress')) run.deps.emit('progress', { job: run.job, progress: value });
}
