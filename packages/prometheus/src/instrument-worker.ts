import type { Worker } from '@taskharbor/worker';
import { register } from 'prom-client';
import type { AnyRegistry } from './registry.js';
import { validateInstrumentOptions } from './validate-options.js';
import { WorkerMetrics } from './worker-metrics.js';

export interface InstrumentWorkerOptions {
  /** The registry to add the metrics to; default prom-client's global `register`. */
  registry?: AnyRegistry;
  /**
   * How many job types get a `type` label of their own; later types are
   * reported as `other`. Default 50. Fixed by the first instrumentWorker
   * call on a registry.
   */
  maxTypes?: number;
  /** Histogram bucket bounds for run durations, in seconds, increasing. Fixed by the first call on a registry. */
  buckets?: readonly number[];
}

/** What instrumentWorker needs of a Worker: its events. */
export type InstrumentedWorker = Pick<Worker, 'on'>;

/**
 * Counts a worker's job outcomes and records its run durations in a
 * prom-client registry, from the worker's events. Several workers may be
 * instrumented on one registry; they add to the same series. Returns a
 * function that stops listening (the metrics stay in the registry, with
 * their values, as Prometheus expects of counters).
 *
 * @example
 * const detach = instrumentWorker(worker, { registry });
 * await worker.start();
 */
export function instrumentWorker(worker: InstrumentedWorker, options: InstrumentWorkerOptions = {}): () => void {
  validateInstrumentOptions(worker, options);
  const metrics = WorkerMetrics.for(options.registry ?? register, {
    ...(options.maxTypes === undefined ? {} : { maxTypes: options.maxTypes }),
    ...(options.buckets === undefined ? {} : { buckets: options.buckets }),
  });
  const offs = [
    worker.on('completed', ({ job, durationMs }) => {
      metrics.count('completed', job.queue, job.type);
      metrics.observe('completed', job.queue, job.type, durationMs);
    }),
    worker.on('failed', ({ job, durationMs }) => {
      metrics.count('failed', job.queue, job.type);
      metrics.observe('failed', job.queue, job.type, durationMs);
    }),
    worker.on('retrying', ({ job }) => metrics.count('retried', job.queue, job.type)),
    worker.on('dead', ({ job }) => metrics.count('dead', job.queue, job.type)),
    worker.on('cancelled', ({ job, durationMs }) => {
      metrics.count('cancelled', job.queue, job.type);
      metrics.observe('cancelled', job.queue, job.type, durationMs);
    }),
    worker.on('snoozed', ({ job, durationMs }) => {
      metrics.count('snoozed', job.queue, job.type);
      metrics.observe('snoozed', job.queue, job.type, durationMs);
    }),
    worker.on('rateLimited', ({ job, durationMs }) => {
      metrics.count('rateLimited', job.queue, job.type);
      metrics.observe('rate_limited', job.queue, job.type, durationMs);
    }),
  ];
  let attached = true;
  return () => {
    if (!attached) return;
    attached = false;
    for (const off of offs) off();
  };
}
