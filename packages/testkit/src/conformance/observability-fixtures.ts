import { randomBytes } from 'node:crypto';
import {
  type Admin,
  type Driver,
  type MetricsPoint,
  type MetricsRange,
  type Observability,
  requireObservability,
  type WorkerEntry,
  type WorkerInfo,
} from '@taskharbor/core';
import type { Harness } from './setup.js';

/** The driver of a case that tests observability. */
export type ObservabilityDriver = Driver & Admin & Observability;

/** The harness's driver as an observability driver; the observability cases only run on drivers that declare it. */
export function observe(h: Harness): ObservabilityDriver {
  return requireObservability(h.driver, 'run the observability cases');
}

/** The ttl worker cases register with unless the rule needs another. */
export const WORKER_TTL_MS = 10_000;

/** Meta a case enqueues with: a W3C traceparent and a key with every allowed punctuation mark. */
export const SAMPLE_META: Readonly<Record<string, string>> = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  'app.tenant_id:x-1': 'tenant \u00e9\u{1F600}',
};

/**
 * A prefix no other case uses for its worker ids: workers are not per queue,
 * so a case on a shared server only looks at the entries it registered.
 */
export function workerPrefix(): string {
  return `w-${randomBytes(6).toString('hex')}`;
}

/** A valid worker info; overrides replace any field. */
export function workerInfo(h: Harness, id: string, overrides: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    id,
    host: 'host-1',
    pid: 4242,
    queues: [h.queue],
    concurrency: 4,
    running: 1,
    startedAt: h.clock.now() - 1000,
    version: '1.2.3',
    ...overrides,
  };
}

/** The live entries at `now` (unset: the driver's clock) whose id starts with the prefix, in the driver's order. */
export async function workersWith(h: Harness, prefix: string, now?: number): Promise<WorkerEntry[]> {
  const entries = await observe(h).workers(now === undefined ? undefined : { now });
  return entries.filter((entry) => entry.id.startsWith(prefix));
}

/** The counts of the harness queue (or `queue`) over the range, each point as [completed, failed, dead]. */
export async function countsOver(h: Harness, range: MetricsRange, queue = h.queue): Promise<[number, number, number][]> {
  const points: MetricsPoint[] = await observe(h).metrics(queue, range);
  return points.map((point) => [point.completed, point.failed, point.dead]);
}

/** The counts of the minute the clock is in, as [completed, failed, dead]. */
export async function countsNow(h: Harness, queue = h.queue): Promise<[number, number, number]> {
  const [point] = await countsOver(h, { from: h.clock.now(), to: h.clock.now() + 1 }, queue);
  return point ?? [Number.NaN, Number.NaN, Number.NaN];
}
