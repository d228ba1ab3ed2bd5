import type { DriverContext } from './driver-context.js';
import { type HandedJob, readHandoffFrame } from './handoff-frame.js';
import { runOfferHandoff, runWithdrawHandoff } from './lua/handoff.js';
import { runRelease } from './lua/release.js';
import { randomText } from './random-text.js';

/**
 * The Redis side of job handoff for one driver (see lua/includes/handoff.lua
 * and WakeListeners): this process's listener id, the offers it puts up and
 * takes back, the frames it reads, and the jobs it gives back when no wait
 * is left to take them. Used only with leases on the callers' clock: an
 * enqueue leases a handed job from its own now.
 */
export class Handoffs {
  /** This driver's listener id: its handoff lists are `<base>handoff:<id>`. */
  readonly listenerId = randomText(9);

  constructor(private readonly ctx: DriverContext) {}

  handoffKey(queue: string): string {
    return this.ctx.keys.queue(queue).handoff(this.listenerId);
  }

  /** A new offer's text: a fresh token each time, so each offer leases at most one job under it. */
  newOffer(leaseMs: number): string {
    return `${this.listenerId}|${leaseMs}|${randomText(12)}.h`;
  }

  /** The token of an offer made by newOffer. */
  tokenOf(offer: string): string {
    return offer.slice(offer.lastIndexOf('|') + 1);
  }

  /**
   * Puts up `offer` for `standMs` of the server's time and withdraws the
   * listener's `earlier` offers. Offers and withdrawals all go through the
   * main client, so Redis applies them in the order they were made.
   */
  offer(queue: string, offer: string, standMs: number, earlier: readonly string[]): Promise<void> {
    return runOfferHandoff(this.ctx.client, this.ctx.keys.queue(queue), offer, standMs, earlier);
  }

  /** Takes back `offers` and gives back every job handed to this listener that it has not read. */
  async withdraw(queue: string, offers: readonly string[]): Promise<void> {
    const frames = await runWithdrawHandoff(this.ctx.client, this.ctx.keys.queue(queue), this.listenerId, offers);
    await Promise.all(frames.map((frame) => this.giveBack(this.read(queue, frame))));
  }

  read(queue: string, frame: Buffer): HandedJob {
    return readHandoffFrame(frame, queue);
  }

  /**
   * Gives a handed job back to the head of its queue, no attempt counted,
   * as release does; a lease that is no longer there (it expired and was
   * reclaimed) needs nothing. Failures are dropped: the lease expires and
   * the job is reclaimed.
   */
  async giveBack(handed: HandedJob): Promise<void> {
    const { lease } = handed.reserved;
    await this.ctx
      .write(
        `release of handed job ${lease.jobId}`,
        () => runRelease(this.ctx.client, this.ctx.keys.queue(lease.queue), lease, this.ctx.scriptNow(handed.leasedAt), this.ctx.retention),
        lease.queue,
      )
      .catch(() => undefined);
  }
}
