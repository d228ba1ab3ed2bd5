import { jobToJson } from '../output/json.js';
import { dlqTable } from '../output/job-views.js';
import type { Command } from './command.js';
import { expectPositionals } from './command.js';
import { nextPageHint, pageCommand, pageFlags } from './list.js';

export const dlqListCommand: Command = {
  name: 'dlq list',
  summary: 'List the dead-lettered jobs of a queue with their reasons',
  usage: '[--type <type>] [--limit <n>] [--cursor <cursor>]',
  help: `Lists a queue's dead-lettered jobs with why each was dead-lettered, paged
like list. Requeue one with: taskharbor dlq requeue <id> (all of them:
dlq requeue --all); delete them with dlq purge.

Flags:
  --type <type>        only jobs of this type
  --limit <n>          jobs per page, 1 to 1000 (default 20)
  --cursor <cursor>    the next cursor a previous page printed
  --queue <queue>      the queue (global flag; default "default")`,
  options: {
    limit: { type: 'string' },
    cursor: { type: 'string' },
    type: { type: 'string' },
  },
  async run(ctx) {
    const { flags, out } = ctx;
    expectPositionals(ctx, this, 0, 0);
    const page = pageFlags(ctx);
    const admin = await ctx.driver();
    const result = await admin.list({
      queue: flags.queue,
      status: 'dlq',
      limit: page.limit,
      ...(page.type && { type: page.type }),
      ...(page.cursor && { cursor: page.cursor }),
    });
    if (out.json) {
      out.document({
        queue: flags.queue,
        status: 'dlq',
        type: page.type ?? null,
        jobs: result.jobs.map((record) => jobToJson(record, { values: false })),
        nextCursor: result.nextCursor ?? null,
      });
      return 0;
    }
    if (result.jobs.length === 0) {
      out.line(`no dead-lettered jobs${page.type === undefined ? '' : ` of type ${page.type}`} in queue ${flags.queue}${page.cursor === undefined ? '' : ' after this cursor'}`);
      return 0;
    }
    out.lines(dlqTable(result.jobs, Date.now(), out.colours));
    if (result.nextCursor !== undefined) out.line(nextPageHint(pageCommand('dlq list', ctx, page), result.nextCursor));
    return 0;
  },
};
