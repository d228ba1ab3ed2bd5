import type { Clock, Driver, Lease } from '@taskharbor/core';

interface PendingAck {
  lease: Lease;
  resolve: () => void;
  reject: (error: unknown) => void;
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
 */
export class AckBatcher {
  private readonly driver: Driver;
  private readonly clock: Clock;
  private pending: PendingAck[] = [];
  private scheduled = false;

  constructor(driver: Driver, clock: Clock) {
    this.driver = driver;
    this.clock = clock;
  }

  ack(lease: Lease): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ lease, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Two microtask hops: jobs that settle in the same wave all land here before the flush.
      queueMicrotask(() => queueMicrotask(() => this.flush()));
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    const now = this.clock.now();
    const first = batch[0]?.lease.queue;
    if (batch.every((item) => item.lease.queue === first)) {
      this.send(batch, now);
      return;
    }
    const byQueue = new Map<string, PendingAck[]>();
    for (const item of batch) {
      const group = byQueue.get(item.lease.queue);
      if (group === undefined) byQueue.set(item.lease.queue, [item]);
      else group.push(item);
    }
    for (const group of byQueue.values()) this.send(group, now);
  }

  /** One call for acks of one queue; each caller settles with its own outcome. */
  private send(batch: PendingAck[], now: number): void {
    const { driver } = this;
    const only = batch[0];
    if (batch.length === 1 && only !== undefined) {
      invoke(() => driver.ack(only.lease, now)).then(only.resolve, only.reject);
      return;
    }
    if (driver.ackMany === undefined) {
      for (const item of batch) invoke(() => driver.ack(item.lease, now)).then(item.resolve, item.reject);
      return;
    }
    const ackMany = driver.ackMany.bind(driver);
    invoke(() =>
      ackMany(
        batch.map((item) => item.lease),
        now,
      ),
    ).then(
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

/** Calls a driver method, turning a synchronous throw into a rejection. */
function invoke<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}
