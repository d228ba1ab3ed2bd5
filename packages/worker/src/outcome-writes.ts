import type { FailUpdate, FlowControl } from '@taskharbor/core';
import { errorMessage, isLeaseError, toError } from './errors.js';
import { decideFailure } from './outcome.js';
import { encodeResult } from './result.js';
import type { Run } from './run-state.js';

/*
 * The writes that end a run (ack, retry, dead-letter, snooze, hold-back,
 * release), each with its log line and event. JobRun picks the write and
 * leaves 'running' first; the write then sets 'finished', or 'lost' when the
 * lease turns out to be gone. A release leaves the state as it is.
 */

/** The writes that end a run, as named in error events. */
export type OutcomeOperation = 'ack' | 'retry' | 'fail' | 'snooze' | 'holdBack';

/** The handler succeeded: a value it returned goes with the ack, or fails the run when it cannot be stored. */
export function writeSuccess(run: Run, value: unknown): Promise<void> {
  // Without job control nothing would store a result, so it is not encoded; undefined costs nothing either way.
  if (value === undefined || !run.deps.jobControl) return writeAck(run, undefined);
  let result: Uint8Array;
  try {
    result = encodeResult(run.record.id, value, run.deps.options.codec);
  } catch (error) {
    return writeFailure(run, error, undefined);
  }
  return writeAck(run, result);
}

async function writeAck(run: Run, result: Uint8Array | undefined): Promise<void> {
  const { deps } = run;
  const { options } = deps;
  try {
    await deps.ack(run.lease, result);
  } catch (error) {
    return writeFailed(run, error, 'ack');
  }
  run.state = 'finished';
  if (options.logDebug) options.logger.debug(run.fields({ durationMs: run.durationMs }), 'job completed');
  if (deps.listening('completed')) deps.emit('completed', { job: run.job, durationMs: run.durationMs });
}

/** The run failed (or could not start): a retry, or the dead-letter queue when none is left or `deadNow` says so. */
export async function writeFailure(run: Run, cause: unknown, deadNow: string | undefined): Promise<void> {
  const { deps } = run;
  const { options } = deps;
  const now = options.clock.now();
  const error = toError(cause);
  const outcome = decideFailure({
    record: run.record,
    error: cause,
    now,
    retryPolicy: options.retryPolicy,
    defaultMaxAttempts: options.defaultMaxAttempts,
    deadNow,
  });
  const attempts = outcome.update.attempts;
  deps.emit('failed', { job: run.job, error, attempts, willRetry: outcome.kind === 'retry', durationMs: run.durationMs });
  if (outcome.kind === 'dead') return writeDead(run, outcome.update, error);
  try {
    await deps.driver.retry(run.lease, outcome.update, now);
  } catch (writeError) {
    return writeFailed(run, writeError, 'retry');
  }
  run.state = 'finished';
  const runAt = outcome.update.runAt;
  if (runAt !== undefined) deps.noteDue(runAt);
  options.logger.warn(run.fields({ error: errorMessage(cause), attempts, runAt }), 'job failed; retrying');
  deps.emit('retrying', { job: run.job, error, attempts, runAt });
}

/** The handler called ctx.snooze: the job goes back to run `ms` from now, without a failure. */
export async function writeSnoozed(run: Run, flowControl: FlowControl, ms: number): Promise<void> {
  const { deps } = run;
  const { options } = deps;
  const now = options.clock.now();
  const runAt = now + ms;
  try {
    await flowControl.snooze(run.lease, runAt, now);
  } catch (error) {
    return writeFailed(run, error, 'snooze');
  }
  run.state = 'finished';
  deps.noteDue(runAt);
  if (options.logDebug) options.logger.debug(run.fields({ runAt }), 'job snoozed');
  if (deps.listening('snoozed')) deps.emit('snoozed', { job: run.job, runAt, durationMs: run.durationMs });
}

/** The handler threw RateLimitedError: the job goes back, and its group (or queue) waits `ms` on every worker. */
export async function writeHeldBack(run: Run, flowControl: FlowControl, ms: number): Promise<void> {
  const { deps, record } = run;
  const { options } = deps;
  const now = options.clock.now();
  const until = now + ms;
  const scope = record.group === undefined ? 'queue' : 'group';
  try {
    await flowControl.holdBack(run.lease, until, now);
  } catch (error) {
    return writeFailed(run, error, 'holdBack');
  }
  run.state = 'finished';
  deps.noteDue(until);
  options.logger.warn(run.fields({ until, scope, group: record.group }), `job rate limited; its ${scope} is held back`);
  if (deps.listening('rateLimited')) deps.emit('rateLimited', { job: run.job, until, scope, durationMs: run.durationMs });
}

/** Moves the job to the dead-letter queue: no attempt left, an unrecoverable error, or a poison job. */
export async function writeDead(run: Run, update: FailUpdate, error: Error | undefined): Promise<void> {
  const { deps } = run;
  try {
    await deps.driver.fail(run.lease, update, deps.options.clock.now());
  } catch (writeError) {
    return writeFailed(run, writeError, 'fail');
  }
  run.state = 'finished';
  deps.options.logger.error(run.fields({ reason: update.reason, attempts: update.attempts }), 'job dead-lettered');
  deps.emit('dead', { job: run.job, record: run.record, reason: update.reason, attempts: update.attempts, error });
}

/** Gives the job back to its queue without counting an attempt; `why` goes into the log line. */
export async function writeRelease(run: Run, why: string): Promise<void> {
  const { deps } = run;
  try {
    await deps.driver.release(run.lease, deps.options.clock.now());
    deps.options.logger.info(run.fields({ why }), 'job released');
  } catch (error) {
    reportWriteError(run, error, 'release');
  }
}

/** An outcome write failed. It is never sent again: its reply may be what was lost, and the lease decides. */
export function writeFailed(run: Run, error: unknown, operation: OutcomeOperation): void {
  run.state = isLeaseError(error) ? 'lost' : 'finished';
  reportWriteError(run, error, operation);
}

function reportWriteError(run: Run, cause: unknown, operation: OutcomeOperation | 'release'): void {
  const { deps } = run;
  const error = toError(cause);
  if (isLeaseError(cause)) {
    const during = operation === 'release' ? 'release' : 'outcome';
    deps.options.logger.warn(run.fields({ error: error.message, operation }), 'outcome not written: lease lost');
    deps.emit('leaseLost', { job: run.job, lease: run.lease, error, during });
  } else {
    deps.options.logger.error(run.fields({ error: error.message, operation }), 'outcome write failed; not resent');
    deps.emit('error', { error, during: operation, jobId: run.record.id, queue: run.record.queue });
  }
}
