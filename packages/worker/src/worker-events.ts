import type { Lease } from '@taskharbor/core';
import { TypedEmitter } from './emitter.js';
import { toError } from './errors.js';
import type { ErrorSource, WorkerEvents } from './events.js';
import type { Logger } from './logger.js';

/** Logs a failure the worker survives and emits it as an `error` event, with the job's id and queue when there is one. */
export type ReportError = (error: Error, during: ErrorSource, lease?: Lease) => void;

/** The worker's emitter: a listener that throws is logged and reported as an `error` event. */
export function workerEmitter(logger: Logger): TypedEmitter<WorkerEvents> {
  const emitter: TypedEmitter<WorkerEvents> = new TypedEmitter<WorkerEvents>((event, error) => {
    logger.error({ event, error: toError(error).message }, 'an event listener threw');
    // A throwing error listener is only logged, or one broken listener would loop forever.
    if (event !== 'error') emitter.emit('error', { error: toError(error), during: 'listener' });
  });
  return emitter;
}

/** The worker's ReportError on its emitter. */
export function errorReporter(emitter: TypedEmitter<WorkerEvents>, logger: Logger): ReportError {
  return (error, during, lease) => {
    logger.error({ error: error.message, during, jobId: lease?.jobId }, `worker error during ${during}`);
    const payload: WorkerEvents['error'] = { error, during };
    if (lease !== undefined) {
      payload.jobId = lease.jobId;
      payload.queue = lease.queue;
    }
    emitter.emit('error', payload);
  };
}
