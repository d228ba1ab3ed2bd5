import type { BatchOutcome, EnqueueResult, NewJobRecord } from '@taskharbor/core';
import { byQueue, toFailure, toOutcome } from './batch-outcome.js';
import type { DriverContext } from './driver-context.js';
import { runEnqueue } from './lua/enqueue.js';

/**
 * Where enqueued jobs are written: one enqueue script per queue, sent
 * together with the SADD of queue names this driver has not recorded yet,
 * so a call is one round trip whatever the number of queues.
 */
export class EnqueueStore {
  /** Queues this driver already added to the `queues` set. */
  private readonly registeredQueues = new Set<string>();

  constructor(private readonly ctx: DriverContext) {}

  /** Stores jobs of any queues, one script per queue; each job gets its own queue's outcome. */
  async storeEach(jobs: readonly NewJobRecord[], nows: readonly number[]): Promise<BatchOutcome<EnqueueResult>[]> {
    const groups = byQueue(jobs, (job) => job.queue);
    const registering = this.registerQueues([...groups.keys()]);
    const outcomes: BatchOutcome<EnqueueResult>[] = new Array(jobs.length);
    await Promise.all(
      [...groups].map(async ([queue, group]) => {
        try {
          const [results] = await Promise.all([
            this.ctx.write(
              `enqueue into queue ${queue}`,
              () =>
                runEnqueue(
                  this.ctx.client,
                  this.ctx.keys.queue(queue),
                  group.map((entry) => entry.item),
                  group.map((entry) => nows[entry.index] as number),
                  // A job handed to an idle worker is leased from the latest now of the call; '' (leases on the server's clock) hands none over.
                  this.ctx.scriptNow(latestNow(group, nows)),
                ),
              queue,
            ),
            registering,
          ]);
          // runEnqueue answers every job it was given, in order.
          group.forEach((entry, i) => {
            outcomes[entry.index] = toOutcome(results[i] as EnqueueResult);
          });
        } catch (error) {
          for (const entry of group) outcomes[entry.index] = toFailure(error);
        }
      }),
    );
    return outcomes;
  }

  /** enqueueMany's store: as storeEach, but any queue's failure is the whole call's. */
  async storeJobs(jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    await this.ctx.prepare();
    const outcomes = await this.storeEach(
      jobs,
      jobs.map(() => now),
    );
    return outcomes.map((outcome) => {
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    });
  }

  /**
   * Adds queue names this driver has not recorded yet to the `queues` set.
   * Sent before the enqueue scripts, so all go out in one round trip; SADD is
   * idempotent, so it is safe even when the enqueue turns out to be a repeat.
   * putSchedule sends it beside its script too (the script stores a job).
   */
  registerQueues(queues: readonly string[]): Promise<void> | undefined {
    const fresh = queues.filter((queue) => !this.registeredQueues.has(queue));
    if (fresh.length === 0) return undefined;
    const { client, keys } = this.ctx;
    return this.ctx
      .writeKey(`enqueue: registering queues ${fresh.join(', ')}`, () => client.sadd(keys.queues, ...fresh), keys.queues)
      .then(() => {
        for (const queue of fresh) this.registeredQueues.add(queue);
      });
  }
}

/** The latest caller's now among one queue's jobs of a call. */
function latestNow(group: readonly { index: number }[], nows: readonly number[]): number {
  let latest = -Infinity;
  for (const entry of group) latest = Math.max(latest, nows[entry.index] as number);
  return latest;
}
