import { ValidationError } from './errors.js';
import {
  MAX_META_BYTES,
  MAX_META_ENTRIES,
  MAX_META_KEY_LENGTH,
  MAX_NAME_LENGTH,
  MAX_WORKER_TTL_MS,
  METRICS_BUCKET_MS,
  METRICS_RETENTION_MS,
  MIN_WORKER_TTL_MS,
} from './limits.js';
import type { MetricsPoint, MetricsRange, RegisterWorkerOptions, WorkerInfo, WorkersRequest } from './observability.js';
import { validateName, validateNow, validateTime } from './validate.js';
import { validateQueueName } from './validate-requests.js';

/**
 * Checks of observability input. Drivers call them before anything is
 * written, so every driver refuses the same input with the same error.
 */

const META_KEY = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A job's meta: a plain object of at most MAX_META_ENTRIES string values,
 * keys of letters, digits and `-_.:` (starting with a letter or digit, at
 * most MAX_META_KEY_LENGTH long), at most MAX_META_BYTES as JSON text.
 */
export function validateMeta(meta: unknown, field = 'meta'): asserts meta is Record<string, string> {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta) || Object.getPrototypeOf(meta) !== Object.prototype) {
    throw new ValidationError(field, 'expected a plain object of string values, such as { traceparent: "00-…" }');
  }
  const keys = Object.keys(meta);
  if (keys.length > MAX_META_ENTRIES) throw new ValidationError(field, `more than ${MAX_META_ENTRIES} entries (${keys.length})`);
  for (const key of keys) {
    if (key.length > MAX_META_KEY_LENGTH || !META_KEY.test(key)) {
      throw new ValidationError(`${field}.${key}`, `keys are 1 to ${MAX_META_KEY_LENGTH} letters, digits or -_.: starting with a letter or digit`);
    }
    const value = (meta as Record<string, unknown>)[key];
    if (typeof value !== 'string') throw new ValidationError(`${field}.${key}`, `expected a string, got ${typeof value}`);
    if (LONE_SURROGATE.test(value)) throw new ValidationError(`${field}.${key}`, 'not well-formed text (a lone surrogate)');
  }
  const bytes = new TextEncoder().encode(JSON.stringify(meta)).length;
  if (bytes > MAX_META_BYTES) throw new ValidationError(field, `larger than ${MAX_META_BYTES} bytes as JSON (${bytes})`);
}

/** A copy of valid meta with its keys in the caller's order, or undefined when it is empty (drivers store nothing for it). */
export function normalizeMeta(meta: Record<string, string> | undefined): Record<string, string> | undefined {
  if (meta === undefined) return undefined;
  const keys = Object.keys(meta);
  if (keys.length === 0) return undefined;
  const copy: Record<string, string> = {};
  for (const key of keys) copy[key] = meta[key] as string;
  return copy;
}

/** A worker id for registerWorker and removeWorker: a valid name. */
export function validateWorkerId(id: unknown): asserts id is string {
  validateName('id', id);
}

/** What registerWorker takes. */
export function validateRegisterWorker(info: WorkerInfo, options: RegisterWorkerOptions): void {
  if (typeof info !== 'object' || info === null) throw new ValidationError('info', 'expected the worker info object');
  validateWorkerId(info.id);
  if (typeof info.host !== 'string' || info.host.length > MAX_NAME_LENGTH) {
    throw new ValidationError('host', `expected a string of at most ${MAX_NAME_LENGTH} characters`);
  }
  if (!Number.isInteger(info.pid) || info.pid < 0) throw new ValidationError('pid', `expected a non-negative integer, got ${String(info.pid)}`);
  if (!Array.isArray(info.queues) || info.queues.length === 0) throw new ValidationError('queues', 'expected a non-empty array of queue names');
  for (const queue of info.queues) validateQueueName(queue);
  if (!Number.isInteger(info.concurrency) || info.concurrency < 1) {
    throw new ValidationError('concurrency', `expected a positive integer, got ${String(info.concurrency)}`);
  }
  if (!Number.isInteger(info.running) || info.running < 0) throw new ValidationError('running', `expected a non-negative integer, got ${String(info.running)}`);
  validateTime('startedAt', info.startedAt);
  if (typeof info.version !== 'string' || info.version.length > 64) throw new ValidationError('version', 'expected a string of at most 64 characters');
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'expected { now, ttlMs }');
  validateNow(options.now);
  if (!Number.isInteger(options.ttlMs) || options.ttlMs < MIN_WORKER_TTL_MS || options.ttlMs > MAX_WORKER_TTL_MS) {
    throw new ValidationError('ttlMs', `expected an integer from ${MIN_WORKER_TTL_MS} to ${MAX_WORKER_TTL_MS}, got ${String(options.ttlMs)}`);
  }
}

/** What workers() takes. */
export function validateWorkersRequest(request: WorkersRequest | undefined): void {
  if (request === undefined) return;
  if (typeof request !== 'object' || request === null) throw new ValidationError('request', 'expected { now? }');
  if (request.now !== undefined) validateNow(request.now);
}

/** The arguments of metrics: a queue name and a range of at most METRICS_RETENTION_MS. */
export function validateMetricsRequest(queue: unknown, range: MetricsRange): void {
  validateQueueName(queue);
  if (typeof range !== 'object' || range === null) throw new ValidationError('range', 'expected { from, to }');
  validateTime('from', range.from);
  validateTime('to', range.to);
  if (range.to <= range.from) throw new ValidationError('to', 'must be after from');
  if (range.to - range.from > METRICS_RETENTION_MS) {
    throw new ValidationError('to', `a range of at most ${METRICS_RETENTION_MS} ms (the time counts are kept)`);
  }
}

/** The start of the minute holding `time`. */
export function metricsMinute(time: number): number {
  return time - (time % METRICS_BUCKET_MS);
}

/** The minutes a valid range covers, oldest first. */
export function metricsMinutes(range: MetricsRange): number[] {
  const minutes: number[] = [];
  for (let minute = metricsMinute(range.from); minute < range.to; minute += METRICS_BUCKET_MS) minutes.push(minute);
  return minutes;
}

/** One point per minute of the range, the counts found in `counts` (keyed by minute start) and zeros elsewhere. */
export function metricsSeries(range: MetricsRange, counts: ReadonlyMap<number, Omit<MetricsPoint, 'minute'>>): MetricsPoint[] {
  return metricsMinutes(range).map((minute) => {
    const found = counts.get(minute);
    return { minute, completed: found?.completed ?? 0, failed: found?.failed ?? 0, dead: found?.dead ?? 0 };
  });
}
