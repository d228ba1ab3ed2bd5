import { type BatchOutcome, type Lease, validateLease } from '@taskharbor/core';
import { byQueue, toFailure } from './batch-outcome.js';
import type { DriverContext } from './driver-context.js';
import { type LeaseReply, refusalError } from './lua/lease-reply.js';

/**
 * Runs a batch lease script (ack, extend) once per queue, all at once, and
 * maps every reply back to its lease's position. A malformed lease gets the
 * ValidationError the single call would have thrown, without stopping the
 * others; a queue whose script fails fails only its own leases. `accepted`
 * turns a lease the script took, with its reply, into its outcome.
 */
export async function runLeaseBatch<T>(
  ctx: DriverContext,
  leases: readonly Lease[],
  now: number,
  operation: string,
  run: (queue: string, group: Lease[]) => Promise<LeaseReply[]>,
  accepted: (lease: Lease, reply: LeaseReply) => BatchOutcome<T>,
): Promise<BatchOutcome<T>[]> {
  const outcomes: BatchOutcome<T>[] = new Array(leases.length);
  const valid: Lease[] = [];
  /** Each valid lease's position in `leases`. */
  const positions: number[] = [];
  leases.forEach((lease, index) => {
    try {
      validateLease(lease);
      valid.push(lease);
      positions.push(index);
    } catch (error) {
      outcomes[index] = toFailure(error);
    }
  });
  const runQueue = async (queue: string, group: Lease[], at: readonly number[]) => {
    try {
      const replies = await ctx.write(`${operation} on queue ${queue}`, () => run(queue, group), queue);
      group.forEach((lease, i) => {
        const reply = replies[i];
        const error = reply === undefined ? new Error(`${operation}: no reply for job ${lease.jobId}`) : refusalError(reply, lease, now);
        outcomes[at[i] as number] = error === undefined ? accepted(lease, reply as LeaseReply) : toFailure(error);
      });
    } catch (error) {
      for (const position of at) outcomes[position] = toFailure(error);
    }
  };
  const first = valid[0]?.queue;
  // The usual batch (a worker's acks or renewals of one queue) goes as it is, without grouping.
  if (first !== undefined && valid.every((lease) => lease.queue === first)) {
    await runQueue(first, valid, positions);
    return outcomes;
  }
  const groups = byQueue(valid, (lease) => lease.queue);
  await Promise.all(
    [...groups].map(([queue, group]) =>
      runQueue(
        queue,
        group.map((entry) => entry.item),
        group.map((entry) => positions[entry.index] as number),
      ),
    ),
  );
  return outcomes;
}
