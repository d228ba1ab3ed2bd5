import { applyChanges, describeLimits, hasChanges, limitChanges } from '../args/flow-limits.js';
import type { Command } from './command.js';
import { expectPositionals } from './command.js';
import { flowDriver } from './flow-access.js';

/** A hold's end, when it is still ahead. */
export function activeHold(heldUntil: number | undefined, now: number): number | undefined {
  return heldUntil !== undefined && heldUntil > now ? heldUntil : undefined;
}

export const queueLimitsCommand: Command = {
  name: 'queue limits',
  summary: "Show or set a queue's concurrency and rate limits",
  usage: '[--concurrency <n>|none] [--rate <max>/<window>|none]',
  help: `Without flags, shows --queue's limits, the limits its groups get by
default, and any hold a handler asked for (RateLimitedError). With flags,
changes the limits: every worker in every process obeys them at its next
reserve. A flag not given keeps its stored value; none clears it.

  --concurrency <n>    the most jobs of the queue in flight at once, across
                       every worker
  --rate <max>/<win>   at most <max> jobs start within any <win> (a sliding
                       window): 100/1s, 10/250ms, 1000/1m
  --queue <queue>      the queue (global flag; default "default")

Examples:
  taskharbor --driver redis --queue emails queue limits --rate 100/1s
  taskharbor --driver redis --queue emails queue limits --concurrency none`,
  options: {
    concurrency: { type: 'string' },
    rate: { type: 'string' },
  },
  async run(ctx) {
    expectPositionals(ctx, this, 0, 0);
    const changes = limitChanges(ctx.args);
    const queue = ctx.flags.queue;
    const flow = await flowDriver(ctx, 'set queue limits');
    const before = await flow.flowState(queue);
    const limits = hasChanges(changes) ? applyChanges(before.limits, changes) : before.limits;
    if (hasChanges(changes)) await flow.setQueueLimits(queue, limits);
    const heldUntil = activeHold(before.heldUntil, Date.now());
    if (ctx.out.json) {
      ctx.out.document({ queue, limits, groupDefaults: before.groupDefaults, heldUntil: heldUntil ?? null, changed: hasChanges(changes) });
      return 0;
    }
    const verb = hasChanges(changes) ? 'now' : 'has';
    ctx.out.line(`queue ${queue} ${verb} limits: ${describeLimits(limits)}; each group by default: ${describeLimits(before.groupDefaults)}`);
    if (heldUntil !== undefined) ctx.out.line(`held back by a handler's RateLimitedError until ${new Date(heldUntil).toISOString()}`);
    return 0;
  },
};
