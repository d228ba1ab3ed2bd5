import { METRICS_BUCKET_MS, metricsMinute, validateQueueName } from '@taskharbor/core';
import { integerFlag } from '../args/numbers.js';
import { metricsTable, metricsTotals } from '../output/observability-views.js';
import type { Command } from './command.js';
import { expectPositionals } from './command.js';
import { observabilityDriver } from './observability-access.js';

const DEFAULT_MINUTES = 60;
/** 24 hours: as long as drivers keep the counts. */
export const MAX_MINUTES = 1440;

/** The last `minutes` whole minutes, the current one (still counting) last. */
export function lastMinutes(now: number, minutes: number): { from: number; to: number } {
  const to = metricsMinute(now) + METRICS_BUCKET_MS;
  return { from: to - minutes * METRICS_BUCKET_MS, to };
}

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'Show how many jobs of a queue completed and failed per minute',
  usage: '[<queue>] [--minutes <n>]',
  help: `Shows a queue's throughput per minute over the last --minutes minutes (the
current minute, still counting, last): runs completed, runs failed (retried
or dead-lettered) and, of those, runs that dead-lettered their job; then the
totals. Minutes with nothing are shown as 0. The store keeps the counts for
24 hours. <queue> defaults to --queue.
With --json: {"queue", "from", "to", "points": [{"minute", "completed",
"failed", "dead"}], "totals": {"completed", "failed", "dead"}}, times as
epoch milliseconds.

Flags:
  --minutes <n>        how many minutes back, 1 to ${MAX_MINUTES} (default ${DEFAULT_MINUTES})

Example:
  taskharbor --driver redis metrics emails --minutes 15`,
  options: {
    minutes: { type: 'string' },
  },
  async run(ctx) {
    const [positional] = expectPositionals(ctx, this, 0, 1);
    const queue = positional ?? ctx.flags.queue;
    validateQueueName(queue);
    const text = ctx.args.string('minutes');
    const minutes = text === undefined ? DEFAULT_MINUTES : integerFlag('minutes', text, 1, MAX_MINUTES);
    const store = await observabilityDriver(ctx, 'read throughput metrics');
    const range = lastMinutes(Date.now(), minutes);
    const points = await store.metrics(queue, range);
    if (ctx.out.json) {
      ctx.out.document({ queue, from: range.from, to: range.to, points, totals: metricsTotals(points) });
      return 0;
    }
    ctx.out.lines(metricsTable(points, ctx.out.colours));
    return 0;
  },
};
