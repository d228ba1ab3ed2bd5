import { JobCancelledError } from '@taskharbor/core';
import { writeFailed } from './outcome-writes.js';
import type { Run } from './run-state.js';

/** A run as its cancel handling sees it. */
export interface CancelTarget extends Run {
  /** A cancel request reached the run while its handler ran: the outcome is the ack that finishes it as cancelled. */
  cancelAsked: boolean;
  /** Aborts the handler's signal (ctx.signal) with `reason`, unless it was aborted before. */
  abort(reason: unknown): void;
}

/**
 * The job was cancelled (pushed through the cancel watch, or seen on a lease
 * the heartbeat renewed): aborts the handler's signal with a
 * JobCancelledError. The lease is still renewed while the handler winds
 * down; once it settles, whatever it returned or threw, writeCancelled
 * finishes the job. A run that is no longer running, or was already asked,
 * is left alone.
 */
export function cancelRun(run: CancelTarget): void {
  if (run.state !== 'running' || run.cancelAsked) return;
  run.cancelAsked = true;
  run.abort(new JobCancelledError(run.record.id));
  run.deps.options.logger.info(run.fields(), 'job cancelled; its handler was aborted');
}

/** The job has a cancel request: an ack, which the driver turns into cancelled, with no result, retry or dead-letter. */
export async function writeCancelled(run: Run): Promise<void> {
  const { deps } = run;
  try {
    await deps.ack(run.lease);
  } catch (error) {
    return writeFailed(run, error, 'ack');
  }
  run.state = 'finished';
  deps.options.logger.info(run.fields({ durationMs: run.durationMs }), 'job finished as cancelled');
  deps.emit('cancelled', { job: run.job, durationMs: run.durationMs });
}
