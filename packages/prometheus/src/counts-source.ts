import type { Admin, Clock, QueueCounts } from '@taskharbor/core';
import { CachedCall } from './cached-call.js';

/** Which admin call failed: the queue list, one queue's counts, or the worker list. */
export type CollectOperation = 'queues' | 'counts' | 'workers';

export interface CountsSourceOptions {
  admin: Pick<Admin, 'counts' | 'queues'>;
  /** A fixed list of queues; unset: every queue admin.queues() names. */
  queues: readonly string[] | undefined;
  cacheMs: number;
  queueListMs: number;
  timeoutMs: number;
  clock: Clock;
  onError: (operation: CollectOperation, queue: string | undefined, error: unknown) => void;
}

/** The counts of one queue as the last scrape sees them. */
export interface QueueSnapshot {
  queue: string;
  /** The last counts that were read; undefined when none has been read yet. */
  counts: QueueCounts | undefined;
}

/**
 * Reads the counts of every queue, each through a cache of its own (one
 * counts call per queue per cacheMs at most, shared by concurrent scrapes),
 * and the queue list through a cache of queueListMs; a scrape waits at most
 * timeoutMs for either.
 */
export class CountsSource {
  private readonly perQueue = new Map<string, CachedCall<QueueCounts>>();
  private readonly queueList: CachedCall<string[]> | undefined;
  private readonly options: CountsSourceOptions;
  /** The snapshot being taken, shared by the metrics a scrape collects at once. */
  private taking: Promise<QueueSnapshot[]> | undefined;

  constructor(options: CountsSourceOptions) {
    this.options = options;
    const { admin, queueListMs, timeoutMs, clock, onError } = options;
    if (options.queues === undefined) {
      this.queueList = new CachedCall({
        call: () => admin.queues(),
        ttlMs: queueListMs,
        timeoutMs,
        clock,
        onError: (error) => onError('queues', undefined, error),
      });
    }
  }

  /**
   * Every queue's counts. The metrics of one scrape call this together, and
   * share one snapshot. Never rejects.
   */
  snapshot(): Promise<QueueSnapshot[]> {
    if (this.taking === undefined) {
      this.taking = this.take().finally(() => {
        this.taking = undefined;
      });
    }
    return this.taking;
  }

  private async take(): Promise<QueueSnapshot[]> {
    const queues = await this.currentQueues();
    const listed = new Set(queues);
    // A queue that left the list leaves its cache too, so the map stays as small as the list.
    for (const queue of this.perQueue.keys()) {
      if (!listed.has(queue)) this.perQueue.delete(queue);
    }
    return Promise.all(
      queues.map(async (queue) => ({ queue, counts: await this.cacheFor(queue).get() })),
    );
  }

  private async currentQueues(): Promise<readonly string[]> {
    if (this.queueList === undefined) return this.options.queues ?? [];
    return (await this.queueList.get()) ?? [];
  }

  private cacheFor(queue: string): CachedCall<QueueCounts> {
    let cache = this.perQueue.get(queue);
    if (cache === undefined) {
      const { admin, cacheMs, timeoutMs, clock, onError } = this.options;
      cache = new CachedCall({
        call: () => admin.counts(queue),
        ttlMs: cacheMs,
        timeoutMs,
        clock,
        onError: (error) => onError('counts', queue, error),
      });
      this.perQueue.set(queue, cache);
    }
    return cache;
  }
}
