import {
  type Clock,
  type Codec,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_RECLAIMS,
  DEFAULT_QUEUE,
  jsonCodec,
  MAX_WORKER_TTL_MS,
  MIN_WORKER_TTL_MS,
  RetryPolicy,
  systemClock,
  ValidationError,
  validateCount,
  validateLeaseMs,
  validateName,
} from '@taskharbor/core';
import { debugEnabled, guardLogger, type Logger, silentLogger } from './logger.js';
import { MAX_TIMER_MS } from './timers.js';

/** A queue with its share of the free slots, for `queueOrder: 'weighted'`. */
export interface WeightedQueue {
  name: string;
  /** A positive number; a queue with weight 3 gets three slots for every one of a queue with weight 1. */
  weight: number;
}

/**
 * How free slots are shared among several queues.
 * - `strict` (default): the first queue gets every free slot it can fill;
 *   the next queue is asked only for what is left. A first queue that never
 *   empties starves the later ones: that is the point of a priority order.
 * - `weighted`: free slots are split by weight (a smooth round-robin, so the
 *   shares hold even when one slot frees at a time); what an empty queue
 *   cannot use goes to the others.
 */
export type QueueOrder = 'strict' | 'weighted';

export interface WorkerOptions {
  /** The queue or queues to take jobs from, in order of preference. Default `['default']`. */
  queues?: string | readonly (string | WeightedQueue)[];
  /** Default `strict`. See QueueOrder. */
  queueOrder?: QueueOrder;
  /** The most handlers running at once, across all queues. Default 1. */
  concurrency?: number;
  /**
   * How many jobs the worker may hold reserved beyond the running ones, so
   * the next jobs are already here when a handler finishes (one reserve
   * round trip less between jobs). Default 0: a job is reserved only for a
   * free slot. A prefetched job is leased while it waits: the heartbeat
   * renews it, a cancel reaches it, close() gives it back at once, and it
   * counts as in flight for pause, group and queue concurrency. It also
   * keeps its place when a job of a better priority arrives later, and its
   * start may come well after the reserve that a rate limit counted; see
   * docs/worker.md.
   */
  prefetch?: number;
  /** How long each lease lasts; the heartbeat renews it. Default 30,000 ms. */
  leaseMs?: number;
  /** How often the leases of running jobs are renewed. Default a third of leaseMs; must be below it. */
  heartbeatMs?: number;
  /** When a failed job runs again. Default `RetryPolicy.exponential()`. */
  retryPolicy?: RetryPolicy;
  /** Runs allowed for a stored job whose record carries no valid maxAttempts. Default 25. */
  defaultMaxAttempts?: number;
  /** How long close() waits for running handlers before aborting them and releasing their jobs. Default 30,000 ms. */
  shutdownGraceMs?: number;
  /** Default: silent. Anything with pino's or console's debug/info/warn/error fits. */
  logger?: Logger;
  /** Default the system clock. Tests pass a FakeClock. */
  clock?: Clock;
  /** Must match the clients' codec. Default JSON. */
  codec?: Codec;
  /** A job reclaimed more often than this is dead-lettered as poison without running. Default 5. */
  maxReclaims?: number;
  /** What to do with a job whose type has no handler here: retry with backoff (default) or dead-letter at once. */
  onMissingHandler?: 'retry' | 'fail';
  /** The longest an idle worker waits before looking again, in case a wake-up was missed. Default 5,000 ms. */
  pollIntervalMs?: number;
  /** Call closeOnSignals() at start, so SIGINT and SIGTERM close the worker gracefully. Default false. */
  handleSignals?: boolean;
  /** While started, hold a timer that keeps Node running, as a server does. Default true. */
  keepAlive?: boolean;
  /**
   * Listen for cancel requests on the driver's push channel (subscribeCancels),
   * so a running job is aborted as soon as it is cancelled. Default true.
   * Without it (or without the channel) a cancel reaches the job at its next
   * heartbeat. Only drivers with job control have either.
   */
  cancelPush?: boolean;
  /**
   * How often the worker looks for schedules of its queues whose pending
   * occurrence was removed or cancelled, and puts them back on their feet
   * (drivers with schedules). A pending tick is looked at once it is this
   * long overdue. Default 60,000 ms; 0 turns the look off.
   */
  scheduleCheckMs?: number;
  /**
   * How long this worker's entry in the live-worker list (admin.workers(),
   * drivers with observability) lasts without a refresh; the worker
   * refreshes it every third of that, and a worker that dies without
   * closing drops out of the list after it. Default 30,000 ms; from
   * MIN_WORKER_TTL_MS to MAX_WORKER_TTL_MS.
   */
  registryTtlMs?: number;
}

/** The options with every default filled in and every value checked. */
export interface ResolvedOptions {
  queues: readonly WeightedQueue[];
  queueOrder: QueueOrder;
  concurrency: number;
  prefetch: number;
  leaseMs: number;
  heartbeatMs: number;
  retryPolicy: RetryPolicy;
  defaultMaxAttempts: number;
  shutdownGraceMs: number;
  logger: Logger;
  /** Per-job debug lines are written (see debugEnabled). */
  logDebug: boolean;
  clock: Clock;
  codec: Codec;
  maxReclaims: number;
  onMissingHandler: 'retry' | 'fail';
  pollIntervalMs: number;
  handleSignals: boolean;
  keepAlive: boolean;
  cancelPush: boolean;
  scheduleCheckMs: number;
  registryTtlMs: number;
}

export const DEFAULT_CONCURRENCY = 1;
export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
export const DEFAULT_POLL_INTERVAL_MS = 5_000;
export const DEFAULT_SCHEDULE_CHECK_MS = 60_000;
export const DEFAULT_REGISTRY_TTL_MS = 30_000;
/** A reserve call takes at most this many jobs, so concurrency cannot exceed it. */
export const MAX_CONCURRENCY = 10_000;

function checkMs(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw new ValidationError(field, `expected an integer number of milliseconds from ${min} to ${MAX_TIMER_MS}, got ${value}`);
  }
}

function resolveQueues(options: WorkerOptions, order: QueueOrder): WeightedQueue[] {
  const given = options.queues ?? [DEFAULT_QUEUE];
  const list = typeof given === 'string' ? [given] : given;
  if (list.length === 0) throw new ValidationError('queues', 'name at least one queue');
  const seen = new Set<string>();
  return list.map((entry) => {
    const queue = typeof entry === 'string' ? { name: entry, weight: 1 } : { name: entry.name, weight: entry.weight };
    validateName('queues', queue.name);
    if (seen.has(queue.name)) throw new ValidationError('queues', `queue "${queue.name}" is listed twice`);
    seen.add(queue.name);
    if (typeof entry !== 'string' && order !== 'weighted') {
      throw new ValidationError('queues', `queue "${queue.name}" has a weight; weights need queueOrder: 'weighted'`);
    }
    if (!Number.isFinite(queue.weight) || queue.weight <= 0) {
      throw new ValidationError('queues', `the weight of queue "${queue.name}" must be a positive number, got ${queue.weight}`);
    }
    return queue;
  });
}

/** Fills in defaults and rejects bad values with a ValidationError that names the option. */
export function resolveOptions(options: WorkerOptions): ResolvedOptions {
  const queueOrder = options.queueOrder ?? 'strict';
  if (queueOrder !== 'strict' && queueOrder !== 'weighted') {
    throw new ValidationError('queueOrder', `expected 'strict' or 'weighted', got ${String(queueOrder)}`);
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  validateCount('concurrency', concurrency, 1);
  if (concurrency > MAX_CONCURRENCY) {
    throw new ValidationError('concurrency', `at most ${MAX_CONCURRENCY} (the largest reserve), got ${concurrency}`);
  }
  const prefetch = options.prefetch ?? 0;
  validateCount('prefetch', prefetch, 0);
  if (concurrency + prefetch > MAX_CONCURRENCY) {
    throw new ValidationError('prefetch', `concurrency + prefetch must be at most ${MAX_CONCURRENCY} (the largest reserve), got ${concurrency + prefetch}`);
  }
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  validateLeaseMs(leaseMs);
  checkMs('leaseMs', leaseMs, 1);
  const heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3));
  checkMs('heartbeatMs', heartbeatMs, 1);
  if (heartbeatMs >= leaseMs) {
    throw new ValidationError('heartbeatMs', `must be below leaseMs (${leaseMs}), or leases run out between beats; got ${heartbeatMs}`);
  }
  const defaultMaxAttempts = options.defaultMaxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  validateCount('defaultMaxAttempts', defaultMaxAttempts, 1);
  const maxReclaims = options.maxReclaims ?? DEFAULT_MAX_RECLAIMS;
  validateCount('maxReclaims', maxReclaims, 0);
  const shutdownGraceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  checkMs('shutdownGraceMs', shutdownGraceMs, 0);
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  checkMs('pollIntervalMs', pollIntervalMs, 1);
  const onMissingHandler = options.onMissingHandler ?? 'retry';
  if (onMissingHandler !== 'retry' && onMissingHandler !== 'fail') {
    throw new ValidationError('onMissingHandler', `expected 'retry' or 'fail', got ${String(onMissingHandler)}`);
  }
  const cancelPush = options.cancelPush ?? true;
  if (typeof cancelPush !== 'boolean') throw new ValidationError('cancelPush', `expected a boolean, got ${String(cancelPush)}`);
  const scheduleCheckMs = options.scheduleCheckMs ?? DEFAULT_SCHEDULE_CHECK_MS;
  checkMs('scheduleCheckMs', scheduleCheckMs, 0);
  const registryTtlMs = options.registryTtlMs ?? DEFAULT_REGISTRY_TTL_MS;
  if (!Number.isInteger(registryTtlMs) || registryTtlMs < MIN_WORKER_TTL_MS || registryTtlMs > MAX_WORKER_TTL_MS) {
    throw new ValidationError(
      'registryTtlMs',
      `expected an integer number of milliseconds from ${MIN_WORKER_TTL_MS} to ${MAX_WORKER_TTL_MS}, got ${registryTtlMs}`,
    );
  }
  return {
    queues: resolveQueues(options, queueOrder),
    queueOrder,
    concurrency,
    prefetch,
    leaseMs,
    heartbeatMs,
    retryPolicy: options.retryPolicy ?? RetryPolicy.exponential(),
    defaultMaxAttempts,
    shutdownGraceMs,
    logger: guardLogger(options.logger ?? silentLogger),
    logDebug: debugEnabled(options.logger),
    clock: options.clock ?? systemClock,
    codec: options.codec ?? jsonCodec,
    maxReclaims,
    onMissingHandler,
    pollIntervalMs,
    handleSignals: options.handleSignals ?? false,
    keepAlive: options.keepAlive ?? true,
    cancelPush,
    scheduleCheckMs,
    registryTtlMs,
  };
}
