import { ValidationError, validateName } from '@taskharbor/core';
import type { CollectMetricsOptions } from './collect-metrics.js';
import type { InstrumentWorkerOptions } from './instrument-worker.js';

export function validateCollectOptions(options: CollectMetricsOptions): void {
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'expected an object');
  const { admin, queues } = options;
  if (typeof admin?.counts !== 'function') throw new ValidationError('admin', 'expected a driver (an Admin with counts)');
  if (queues === undefined) {
    if (typeof admin.queues !== 'function') {
      throw new ValidationError('admin', 'has no queues(); pass the queues to report in `queues`');
    }
  } else {
    if (!Array.isArray(queues) || queues.length === 0) {
      throw new ValidationError('queues', 'expected a non-empty array of queue names, or leave it unset for every queue');
    }
    for (const queue of queues) validateName('queues', queue);
  }
  validateDuration('cacheMs', options.cacheMs);
  validateDuration('queueListMs', options.queueListMs);
  const { timeoutMs, clock } = options;
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    throw new ValidationError('timeoutMs', `expected a positive finite number of milliseconds, got ${String(timeoutMs)}`);
  }
  validateRegistry(options.registry);
  if (clock !== undefined && !['now', 'setTimeout', 'clearTimeout'].every((name) => typeof (clock as unknown as Record<string, unknown>)?.[name] === 'function')) {
    throw new ValidationError('clock', 'expected a Clock (now, setTimeout, clearTimeout)');
  }
}

export function validateInstrumentOptions(worker: unknown, options: InstrumentWorkerOptions): void {
  if (typeof (worker as { on?: unknown } | null)?.on !== 'function') {
    throw new ValidationError('worker', 'expected a Worker from @taskharbor/worker');
  }
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'expected an object');
  validateRegistry(options.registry);
  const { maxTypes, buckets } = options;
  if (maxTypes !== undefined && (!Number.isInteger(maxTypes) || maxTypes < 1)) {
    throw new ValidationError('maxTypes', `expected a positive integer, got ${String(maxTypes)}`);
  }
  if (buckets !== undefined) {
    if (!Array.isArray(buckets) || buckets.length === 0) throw new ValidationError('buckets', 'expected a non-empty array of seconds');
    buckets.forEach((bound, index) => {
      if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= 0) {
        throw new ValidationError('buckets', `expected positive finite numbers of seconds, got ${String(bound)}`);
      }
      const previous = buckets[index - 1];
      if (previous !== undefined && bound <= previous) throw new ValidationError('buckets', 'expected bounds in increasing order');
    });
  }
}

function validateDuration(field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(field, `expected a finite number of milliseconds, 0 or more, got ${String(value)}`);
  }
}

function validateRegistry(registry: unknown): void {
  if (registry === undefined) return;
  const candidate = registry as { registerMetric?: unknown; getSingleMetric?: unknown } | null;
  if (typeof candidate?.registerMetric !== 'function' || typeof candidate.getSingleMetric !== 'function') {
    throw new ValidationError('registry', 'expected a prom-client Registry');
  }
}
