import type { Clock, Driver, Lease } from '@taskharbor/core';

interface PendingAck {
  lease: Lease;
  /** The encoded result, only with job control and a handler that returned something. */
  result: Uint8Array | undefined;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** With prefetch, a queue may have one ack call out per this many slots (see AckBatcher's maxOut). */
export const SLOTS_PER_ACK_CALL = 25;

/** How many ack calls a queue may have out at once: no bound without prefetch. */
export function ackCallsOut(options: { concurrency: number; prefetch: number }): number {
  if (options.prefetch === 0) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.ceil(options.concurrency / SLOTS_PER_ACK_CALL));
}

/**
 * Gathers the acks of jobs that finish together (in the same turn of the
 * event loop, as the jobs of one reserve batch do) into one `ackMany` call
 * per queue, so a busy worker pays one round trip per batch instead of one
 * per job, and the acks of a queue whose Redis shard is silent never hold
 * back those of the other queues. A lone ack, or a driver without
 * `ackMany`, goes out as a plain `ack`.
 * Each caller gets exactly what its own ack would have returned or thrown;
 * an error of the whole call (a lost reply) reaches every lease in it, and
 * nothing is ever sent twice.
 *
 * With `maxOut` (a worker with prefetch), a queue has at most that many ack
 * calls out at a time: jobs that wait here start as soon as handlers end,
 * so their acks come a few at a time rather than in waves, and the acks
 * that come while the calls are out go together in the next one.
 */
export class AckBatcher {
  private readonly driver: Driver;
  private readonly clock: Clock;
  private readonly maxOut: number;
  private pending: PendingAck[] = [];
  private scheduled = false;
  /** Some pending ack carries a result: only then is a results array built. */
  private withResults = false;
  /** With maxOut: the acks held for each queue's next call, and its calls out. */
  private readonly held = new Map<string, PendingAck[]>();
  private readonly out = new Map<string, number>();

  constructor(driver: Driver, clock: Clock, maxOut = Number.POSITIVE_INFINITY) {
    this.driver = driver;
    this.clock = clock;
    this.maxOut = maxOut;
  }

  ack(lease: Lease, result?: Uint8Array): Promise<void> {
    if (result !== undefined) this.withResults = true;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ lease, result, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Two microtask hops: jobs that settle in the same wave all land here before the flush.
      queueMicrotask(() => queueMicrotask(() => this.flush()));
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    const withResults = this.withResults;
    this.pending = [];
    this.withResults = false;
    if (this.maxOut !== Number.POSITIVE_INFINITY) {
      this.sendGathered(batch);
      return;
    }
    const now = this.clock.now();
    const first = batch[0]?.lease.queue;
    if (batch.every((item) => item.lease.queue === first)) {
      this.send(batch, now, withResults);
      return;
    }
    const byQueue = new Map<string, PendingAck[]>();
    for (const item of batch) {
      const group = byQueue.get(item.lease.queue);
      if (group === undefined) byQueue.set(item.lease.queue, [item]);
      else group.push(item);
    }
    for (const group of byQueue.values()) this.send(group, now, withResults);
  }

  /** Sends each queue's acks, or holds them while that queue has a call out. */
  private sendGathered(batch: PendingAck[]): void {
    for (const item of batch) {
      const queue = item.lease.queue;
      const held = this.held.get(queue);
      if (held === undefined) this.held.set(queue, [item]);
      else held.push(item);
    }
    for (const queue of new Set(batch.map((item) => item.lease.queue))) this.sendHeld(queue);
  }

  private sendHeld(queue: string): void {
    const items = this.held.get(queue);
    const out = this.out.get(queue) ?? 0;
    if (out >= this.maxOut || items === undefined || items.length === 0) return;
    this.held.delete(queue);
    this.out.set(queue, out + 1);
    const withResults = items.some((item) => item.result !== undefined);
    void this.send(items, this.clock.now(), withResults).finally(() => {
      const left = (this.out.get(queue) ?? 1) - 1;
      if (left === 0) this.out.delete(queue);
      else this.out.set(queue, left);
      this.sendHeld(queue);
    });
  }

  /** One call for acks of one queue; each caller settles with its own outcome. Resolves when they have. */
  private send(batch: PendingAck[], now: number, withResults: boolean): Promise<unknown> {
    const { driver } = this;
    if (batch.length === 1 || driver.ackMany === undefined) {
      const settled = batch.map((item) => invoke(() => ackOne(driver, item, now)).then(item.resolve, item.reject));
      return settled.length === 1 ? (settled[0] as Promise<void>) : Promise.all(settled);
    }
    const ackMany = driver.ackMany.bind(driver);
    const leases = batch.map((item) => item.lease);
    return invoke(() => (withResults ? ackMany(leases, now, batch.map((item) => item.result)) : ackMany(leases, now))).then(
      (outcomes) => {
        batch.forEach((item, i) => {
          const outcome = outcomes[i];
          if (outcome === undefined) item.reject(new Error(`ackMany returned no outcome for job ${item.lease.jobId}`));
          else if (outcome.ok) item.resolve();
          else item.reject(outcome.error);
        });
      },
      (error: unknown) => {
        for (const item of batch) item.reject(error);
      },
    );
  }
}

/** A plain ack: the result goes along only when there is one, so the plain path calls ack as before. */
function ackOne(driver: Driver, item: PendingAck, now: number): Promise<void> {
  return item.result === undefined ? driver.ack(item.lease, now) : driver.ack(item.lease, now, { result: item.result });
}

/** Calls a driver method, turning a synchronous throw into a rejection. */
function invoke<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}
