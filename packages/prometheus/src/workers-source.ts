import type { Clock, Observability, WorkerEntry } from '@taskharbor/core';
import { CachedCall } from './cached-call.js';

export interface WorkersSourceOptions {
  admin: Pick<Observability, 'workers'>;
  cacheMs: number;
  timeoutMs: number;
  clock: Clock;
  onError: (error: unknown) => void;
}

/** What the worker gauges report, from one workers() read. */
export interface WorkersSnapshot {
  /** Live workers serving each queue; a worker of several queues counts in each. */
  perQueue: Map<string, number>;
  /** Jobs running now, across every live worker. */
  running: number;
  /** Slots (concurrency), across every live worker. */
  slots: number;
}

/**
 * admin.workers() behind the same kind of cache as the counts: one call per
 * cacheMs at most, shared by concurrent scrapes, awaited at most timeoutMs;
 * a failure keeps the last good list. Undefined until a list was read once.
 */
export class WorkersSource {
  private readonly list: CachedCall<WorkerEntry[]>;

  constructor(options: WorkersSourceOptions) {
    const { admin, cacheMs, timeoutMs, clock, onError } = options;
    this.list = new CachedCall({ call: () => admin.workers(), ttlMs: cacheMs, timeoutMs, clock, onError });
  }

  async snapshot(): Promise<WorkersSnapshot | undefined> {
    const workers = await this.list.get();
    if (workers === undefined) return undefined;
    const snapshot: WorkersSnapshot = { perQueue: new Map(), running: 0, slots: 0 };
    for (const worker of workers) {
      snapshot.running += worker.running;
      snapshot.slots += worker.concurrency;
      for (const queue of new Set(worker.queues)) snapshot.perQueue.set(queue, (snapshot.perQueue.get(queue) ?? 0) + 1);
    }
    return snapshot;
  }
}
