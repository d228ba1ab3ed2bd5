import type { CancelOptions, CancelResult, JobRef, PurgeOptions, ReserveRequest, ReserveResult } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';

/*
 * Drivers that each break one rule of the jobControl family
 * (docs/driver-contract.md), for parts/job-control.ts.
 */

/** Breaks "a running job gets a cancel request": cancel of a job in flight answers as if it did, and records nothing. */
export class ForgetsCancelRequests extends MemoryDriver {
  override async cancel(ref: JobRef, options: CancelOptions): Promise<CancelResult> {
    const job = await this.inspect(ref);
    if (job?.status === 'inflight') return { status: 'cancelling' };
    return super.cancel(ref, options);
  }
}

/** Breaks "a paused queue hands out nothing": reserve looks past the flag. */
export class ReservesWhilePaused extends MemoryDriver {
  override async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const state = this.queueStates.get(request?.queue);
    const paused = state?.paused ?? false;
    if (state !== undefined) state.paused = false;
    try {
      return await super.reserve(request);
    } finally {
      if (state !== undefined) state.paused = paused;
    }
  }
}

/** Breaks "purge removes only jobs of the given type": the type filter is dropped. */
export class PurgeIgnoresType extends MemoryDriver {
  override async purge(queue: string, options: PurgeOptions): Promise<number> {
    return super.purge(queue, { ...options, type: undefined });
  }
}
