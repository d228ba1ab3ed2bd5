import type { BatchOutcome, EnqueueResult, NewJobRecord } from '@taskharbor/core';

/** The most jobs one gathered enqueue script carries. */
export const ENQUEUE_BATCH_MAX_JOBS = 500;
/** The first this many enqueues of a turn go out at once, before the turn's others are gathered. */
export const ENQUEUE_BATCH_FIRST_JOBS = 25;
/** The most payload bytes one gathered enqueue script carries (a lone larger job still goes, alone). */
export const ENQUEUE_BATCH_MAX_BYTES = 1024 * 1024;

interface PendingEnqueue {
  job: NewJobRecord;
  now: number;
  resolve: (result: EnqueueResult) => void;
  reject: (error: unknown) => void;
}

/** Stores jobs of any queues; each job is answered with its own queue's outcome. */
export type StoreEach = (jobs: readonly NewJobRecord[], nows: readonly number[]) => Promise<BatchOutcome<EnqueueResult>[]>;

/**
 * Gathers the single enqueues that callers make in the same turn of the
 * event loop (an HTTP server under load, a loop with many in flight) into
 * one script per queue, as enqueueMany would send them: one write and one
 * script call instead of one each. Nothing waits for a timer: the batch
 * goes out once the current microtasks have run, or as soon as it reaches
 * ENQUEUE_BATCH_MAX_JOBS or ENQUEUE_BATCH_MAX_BYTES. Each caller gets its
 * own job's answer, or its own queue's error; jobs keep their call order.
 * Each queue's part is stored and answered on its own, so callers of one
 * queue never wait for another queue's Redis node (a silent shard).
 *
 * The first ENQUEUE_BATCH_FIRST_JOBS of a turn go out as soon as they are
 * there. Callers that enqueue again when an answer comes (a loop with many
 * in flight, a server under load) answer in waves; sent whole, each wave
 * left Redis idle while Node gathered it and Node idle while Redis stored
 * it. With the first part on its way, Redis stores it while Node gathers
 * the rest.
 */
export class EnqueueBatcher {
  private readonly store: StoreEach;
  private pending: PendingEnqueue[] = [];
  private bytes = 0;
  private scheduled = false;
  /** The turn's first part has gone out (see ENQUEUE_BATCH_FIRST_JOBS). */
  private firstSent = false;

  constructor(store: StoreEach) {
    this.store = store;
  }

  add(job: NewJobRecord, now: number): Promise<EnqueueResult> {
    return new Promise<EnqueueResult>((resolve, reject) => {
      this.pending.push({ job, now, resolve, reject });
      this.bytes += job.payload.byteLength;
      const firstPartReady = !this.firstSent && this.pending.length >= ENQUEUE_BATCH_FIRST_JOBS;
      if (firstPartReady || this.pending.length >= ENQUEUE_BATCH_MAX_JOBS || this.bytes >= ENQUEUE_BATCH_MAX_BYTES) {
        this.firstSent = true;
        this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.firstSent = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.bytes = 0;
    const first = batch[0]?.job.queue;
    if (batch.every((entry) => entry.job.queue === first)) {
      this.storeQueue(batch);
      return;
    }
    const byQueue = new Map<string, PendingEnqueue[]>();
    for (const entry of batch) {
      const group = byQueue.get(entry.job.queue);
      if (group === undefined) byQueue.set(entry.job.queue, [entry]);
      else group.push(entry);
    }
    for (const group of byQueue.values()) this.storeQueue(group);
  }

  /** Stores the gathered jobs of one queue and answers their callers. */
  private storeQueue(batch: PendingEnqueue[]): void {
    let stored: Promise<BatchOutcome<EnqueueResult>[]>;
    try {
      stored = this.store(
        batch.map((entry) => entry.job),
        batch.map((entry) => entry.now),
      );
    } catch (error) {
      stored = Promise.reject(error);
    }
    stored.then(
      (outcomes) => {
        batch.forEach((entry, i) => {
          const outcome = outcomes[i];
          if (outcome === undefined) entry.reject(new Error(`enqueue of job ${entry.job.id}: no answer from the enqueue script`));
          else if (outcome.ok) entry.resolve(outcome.value);
          else entry.reject(outcome.error);
        });
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  }
}
