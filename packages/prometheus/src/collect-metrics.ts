import { type Admin, type Clock, hasObservability, JOB_STATUSES, systemClock } from '@taskharbor/core';
import { Counter, Gauge, register } from 'prom-client';
import { CountsSource, type QueueSnapshot } from './counts-source.js';
import { METRIC_NAMES } from './names.js';
import { type AnyRegistry, type NamedMetric, registerOwn } from './registry.js';
import { validateCollectOptions } from './validate-options.js';
import { WorkersSource, type WorkersSnapshot } from './workers-source.js';

/** How long one queue's counts serve scrapes before they are read again. */
export const DEFAULT_CACHE_MS = 1_000;
/** How long the queue list (from admin.queues()) serves scrapes before it is read again. */
export const DEFAULT_QUEUE_LIST_MS = 60_000;
/** How long a scrape waits for one admin call; below Prometheus' default scrape timeout (10 s). */
export const DEFAULT_COLLECT_TIMEOUT_MS = 5_000;

export interface CollectMetricsOptions {
  /**
   * Where the counts come from: any TaskHarbor driver (every driver
   * implements Admin). When it declares observability, its workers() feeds
   * the worker gauges too.
   */
  admin: Pick<Admin, 'counts' | 'queues'>;
  /** The queues to report; unset: every queue admin.queues() names (read at most once per queueListMs). */
  queues?: readonly string[];
  /** The registry to add the metrics to; default prom-client's global `register`. */
  registry?: AnyRegistry;
  /** Counts of one queue (and the worker list) are read at most once per this many milliseconds; 0 reads them on every scrape. Default 1,000. */
  cacheMs?: number;
  /** The queue list is read at most once per this many milliseconds (only when `queues` is unset). Default 60,000. */
  queueListMs?: number;
  /**
   * A scrape waits at most this many milliseconds for one admin call; a call
   * that takes longer counts as failed (the last values are reported) and is
   * not started again while it runs. Default 5,000.
   */
  timeoutMs?: number;
  /** The time source for the caches and the timeout; default the system clock. Tests pass a fake clock. */
  clock?: Clock;
}

/** What collectMetrics returns. */
export interface CollectedMetrics {
  /** Removes the metrics from the registry. Calling it again does nothing. */
  unregister(): void;
}

/**
 * Adds gauges of job counts per queue and status to a prom-client registry,
 * read from `admin.counts` when the registry is scraped, and, for a driver
 * with observability, gauges of its live workers read from `admin.workers()`.
 * See the package README for the metrics and the caching.
 *
 * @example
 * const metrics = collectMetrics({ admin: driver, registry });
 * // GET /metrics: res.end(await registry.metrics())
 * metrics.unregister();
 */
export function collectMetrics(options: CollectMetricsOptions): CollectedMetrics {
  validateCollectOptions(options);
  const registry = options.registry ?? register;
  const clock = options.clock ?? systemClock;
  const fixedQueues = options.queues === undefined ? undefined : [...new Set(options.queues)];
  const cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_COLLECT_TIMEOUT_MS;
  const admin = options.admin;
  const workerSource = hasObservability(admin)
    ? new WorkersSource({ admin, cacheMs, timeoutMs, clock, onError: () => errors.inc({ operation: 'workers' }) })
    : undefined;

  const errors: Counter<'operation' | 'queue'> = new Counter({
    name: METRIC_NAMES.collectErrors,
    help: 'TaskHarbor admin calls (the queue list or one queue\'s counts) that failed while metrics were collected; the last good values are reported meanwhile',
    labelNames: ['operation', 'queue'] as const,
    registers: [],
    collect: async () => {
      const snapshot = await source.snapshot();
      // Series start at 0, so the first failure shows as an increase.
      if (fixedQueues === undefined) errors.inc({ operation: 'queues' }, 0);
      if (workerSource !== undefined) errors.inc({ operation: 'workers' }, 0);
      for (const { queue } of snapshot) errors.inc({ operation: 'counts', queue }, 0);
    },
  });
  const source = new CountsSource({
    admin: options.admin,
    queues: fixedQueues,
    cacheMs,
    queueListMs: options.queueListMs ?? DEFAULT_QUEUE_LIST_MS,
    timeoutMs,
    clock,
    onError: (operation, queue) => {
      if (queue === undefined) errors.inc({ operation });
      else errors.inc({ operation, queue });
    },
  });
  const jobs: Gauge<'queue' | 'status'> = new Gauge({
    name: METRIC_NAMES.jobs,
    help: 'TaskHarbor jobs in each status, per queue (read from the driver\'s counts, cached for a short time)',
    labelNames: ['queue', 'status'] as const,
    registers: [],
    collect: async () => fillJobs(jobs, await source.snapshot()),
  });
  const paused: Gauge<'queue'> = new Gauge({
    name: METRIC_NAMES.queuePaused,
    help: 'Whether a TaskHarbor queue is paused (1) or not (0); only for drivers whose counts report it',
    labelNames: ['queue'] as const,
    registers: [],
    collect: async () => fillPaused(paused, await source.snapshot()),
  });

  const metrics: NamedMetric[] = [
    [METRIC_NAMES.jobs, jobs],
    [METRIC_NAMES.queuePaused, paused],
    [METRIC_NAMES.collectErrors, errors],
  ];
  if (workerSource !== undefined) metrics.push(...workerGauges(workerSource, source, fixedQueues));
  return { unregister: registerOwn(registry, metrics) };
}

/**
 * The gauges of live workers (drivers with observability): per queue, and
 * running jobs and slots across them all. A worker's running count is not
 * split by queue; the jobs running per queue are taskharbor_jobs{status="inflight"}.
 */
function workerGauges(workers: WorkersSource, counts: CountsSource, fixedQueues: readonly string[] | undefined): NamedMetric[] {
  const perQueue: Gauge<'queue'> = new Gauge({
    name: METRIC_NAMES.workers,
    help: 'Live TaskHarbor workers serving each queue (read from the driver\'s worker list, cached for a short time); a worker of several queues counts in each',
    labelNames: ['queue'] as const,
    registers: [],
    collect: async () => {
      const [snapshot, queues] = await Promise.all([workers.snapshot(), counts.snapshot()]);
      fillWorkers(perQueue, snapshot, fixedQueues ?? queues.map(({ queue }) => queue), fixedQueues === undefined);
    },
  });
  const running: Gauge = new Gauge({
    name: METRIC_NAMES.workerRunningJobs,
    help: 'Jobs running now across every live TaskHarbor worker',
    registers: [],
    collect: async () => {
      const snapshot = await workers.snapshot();
      running.reset();
      if (snapshot !== undefined) running.set(snapshot.running);
    },
  });
  const slots: Gauge = new Gauge({
    name: METRIC_NAMES.workerSlots,
    help: 'Slots (the most jobs run at once) across every live TaskHarbor worker',
    registers: [],
    collect: async () => {
      const snapshot = await workers.snapshot();
      slots.reset();
      if (snapshot !== undefined) slots.set(snapshot.slots);
    },
  });
  return [
    [METRIC_NAMES.workers, perQueue],
    [METRIC_NAMES.workerRunningJobs, running],
    [METRIC_NAMES.workerSlots, slots],
  ];
}

/**
 * One sample per reported queue (0 when no worker serves it); without a
 * fixed list, queues that workers serve but that hold no job yet are added.
 */
function fillWorkers(gauge: Gauge<'queue'>, snapshot: WorkersSnapshot | undefined, queues: readonly string[], addServed: boolean): void {
  gauge.reset();
  if (snapshot === undefined) return;
  for (const queue of queues) gauge.set({ queue }, snapshot.perQueue.get(queue) ?? 0);
  if (!addServed) return;
  const listed = new Set(queues);
  for (const queue of [...snapshot.perQueue.keys()].sort()) {
    if (!listed.has(queue)) gauge.set({ queue }, snapshot.perQueue.get(queue) ?? 0);
  }
}

function fillJobs(gauge: Gauge<'queue' | 'status'>, snapshot: readonly QueueSnapshot[]): void {
  // Reset first, so a queue that left the list leaves the output too.
  gauge.reset();
  for (const { queue, counts } of snapshot) {
    if (counts === undefined) continue;
    for (const status of JOB_STATUSES) {
      const count = counts[status];
      // A driver that predates a status leaves it out: no sample rather than a false 0.
      if (typeof count === 'number') gauge.set({ queue, status }, count);
    }
  }
}

function fillPaused(gauge: Gauge<'queue'>, snapshot: readonly QueueSnapshot[]): void {
  gauge.reset();
  for (const { queue, counts } of snapshot) {
    if (typeof counts?.paused === 'boolean') gauge.set({ queue }, counts.paused ? 1 : 0);
  }
}
