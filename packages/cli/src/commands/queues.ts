import type { Command } from './command.js';
import { expectPositionals } from './command.js';
import { countsJson, countsTable, readCounts } from './counts-view.js';

export const queuesCommand: Command = {
  name: 'queues',
  summary: 'List every known queue with its job counts per status',
  usage: '',
  help: `Lists every queue that holds or held a job, or was paused (under the Redis
prefix, or in the Postgres schema), with how many jobs it has in each status
and whether it is paused.
With --json: {"queues": [{"queue", "counts": {"ready", "scheduled",
"inflight", "done", "dlq", "cancelled", "paused"}}]}.

Done and cancelled counts are bounded by the driver's retention (by default
the last 1,000 of each per queue, for at most 24 hours).`,
  options: {},
  async run(ctx) {
    expectPositionals(ctx, this, 0, 0);
    const admin = await ctx.driver();
    const rows = await readCounts(admin, await admin.queues());
    if (ctx.out.json) {
      ctx.out.document({ queues: countsJson(rows) });
      return 0;
    }
    if (rows.length === 0) {
      ctx.out.line('no queues yet: no job was ever enqueued here');
      return 0;
    }
    ctx.out.lines(countsTable(rows, ctx.out.colours));
    return 0;
  },
};
