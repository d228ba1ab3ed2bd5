import { type BatchOutcome, type Lease, validateLease } from '@taskharbor/core';
import { byQueue, toFailure, toOutcome } from './batch-outcome.js';
import type { DriverContext } from './driver-context.js';
import { type LeaseReply, refusalError } from './lua/lease-reply.js';

/**
 * Runs a batch lease script (ack, extend) once per queue, all at once, and
 * maps every reply back to its lease's position. A malformed lease gets the
 * ValidationError the single call would have thrown, without stopping the
 * others; a queue whose script fails fails only its own leases.
 */
export async function runLeaseBatch(
  ctx: DriverContext,
  leases: readonly Lease[],
  now: number,
  operation: string,
  run: (queue: string, group: Lease[]) => Promise<LeaseReply[]>,
): Promise<BatchOutcome<LeaseReply>[]> {
  const outcomes: BatchOutcome<LeaseReply>[] = new Array(leases.length);
  const valid: { item: Lease; index: number }[] = [];
  leases.forEach((lease, index) => {
    try {
      validateLease(lease);
      valid.push({ item: lease, index });
    } catch (error) {
      outcomes[index] = toFailure(error);
    }
  });
  const groups = byQueue(
    valid.map((entry) => entry.item),
    (lease) => lease.queue,
  );
  await Promise.all(
    [...groups].map(async ([queue, group]) => {
      const positions = group.map((entry) => (valid[entry.index] as { index: number }).index);
      try {
        const replies = await ctx.write(
          `${operation} on queue ${queue}`,
          () =>
            run(
              queue,
              group.map((entry) => entry.item),
            ),
          queue,
        );
        group.forEach((entry, i) => {
          const reply = replies[i];
          const error = reply === undefined ? new Error(`${operation}: no reply for job ${entry.item.jobId}`) : refusalError(reply, entry.item, now);
          outcomes[positions[i] as number] = error === undefined ? toOutcome(reply as LeaseReply) : toFailure(error);
        });
      } catch (error) {
        for (const position of positions) outcomes[position] = toFailure(error);
      }
    }),
  );
  return outcomes;
}
