import type { Admin, QueueCounts } from '@taskharbor/core';

/**
 * A real driver's Admin with its counts and queues calls counted, and a
 * switch that makes them fail (as a lost connection would), or hold until
 * released.
 */
export class CountingAdmin implements Pick<Admin, 'counts' | 'queues'> {
  readonly countsCalls: string[] = [];
  queuesCalls = 0;
  /** Queues left out of what queues() answers, as if they were gone. */
  readonly hidden = new Set<string>();
  /** While set, every call rejects with this error. */
  failWith: Error | undefined;
  private held: { promise: Promise<void>; release: () => void } | undefined;

  constructor(private readonly inner: Pick<Admin, 'counts' | 'queues'>) {}

  /** Calls made from now on wait until release() is called. */
  hold(): () => void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.held = { promise, release };
    return () => {
      this.held = undefined;
      release();
    };
  }

  async counts(queue: string): Promise<QueueCounts> {
    this.countsCalls.push(queue);
    await this.held?.promise;
    if (this.failWith !== undefined) throw this.failWith;
    return this.inner.counts(queue);
  }

  async queues(): Promise<string[]> {
    this.queuesCalls++;
    await this.held?.promise;
    if (this.failWith !== undefined) throw this.failWith;
    return (await this.inner.queues()).filter((queue) => !this.hidden.has(queue));
  }

  /** How many counts calls each queue got. */
  callsPerQueue(): Record<string, number> {
    const calls: Record<string, number> = {};
    for (const queue of this.countsCalls) calls[queue] = (calls[queue] ?? 0) + 1;
    return calls;
  }
}
