import { JOB_STATUSES, type JobStatus, validateName } from '@taskharbor/core';
import { integerFlag } from '../args/numbers.js';
import { jobToJson } from '../output/json.js';
import { jobTable } from '../output/job-views.js';
import type { Command, CommandContext } from './command.js';
import { expectPositionals, usage } from './command.js';

/** Page size when --limit is not given: one screen. */
export const DEFAULT_PAGE = 20;
/** The largest page the Admin contract hands out. */
export const MAX_PAGE = 1000;

export interface PageRequest {
  status: JobStatus | undefined;
  limit: number;
  cursor: string | undefined;
  type: string | undefined;
}

/** Reads --limit, --cursor and --type (shared with dlq list). */
export function pageFlags(ctx: CommandContext): Pick<PageRequest, 'limit' | 'cursor' | 'type'> {
  const limit = ctx.args.string('limit');
  const type = ctx.args.string('type');
  if (type !== undefined) validateName('type', type);
  return {
    limit: limit === undefined ? DEFAULT_PAGE : integerFlag('limit', limit, 1, MAX_PAGE),
    cursor: ctx.args.string('cursor'),
    type,
  };
}

/** The same command line again, for the next-page hint: the filters and --queue as given. */
export function pageCommand(command: string, ctx: CommandContext, page: Pick<PageRequest, 'limit' | 'type'>, status?: JobStatus): string {
  const parts = [command];
  if (status !== undefined) parts.push(`--status ${status}`);
  if (page.type !== undefined) parts.push(`--type ${page.type}`);
  if (ctx.flags.queueExplicit) parts.push(`--queue ${ctx.flags.queue}`);
  parts.push(`--limit ${page.limit}`);
  return parts.join(' ');
}

/** The hint after a page: the same command with the cursor, ready to paste. */
export function nextPageHint(command: string, cursor: string): string {
  return `next cursor: ${cursor}  (taskharbor ${command} --cursor ${cursor})`;
}

export const listCommand: Command = {
  name: 'list',
  summary: 'List the jobs of a queue, one page at a time',
  usage: '[--status <status>] [--type <type>] [--limit <n>] [--cursor <cursor>]',
  help: `Lists a queue's jobs in id order (ids sort by creation time), one page at a
time. When more jobs follow, the last line is the cursor of the next page
(with --json: "nextCursor", null on the last page).

Flags:
  --status <status>    ready, scheduled, inflight, done, dlq, cancelled or all
                       (default all)
  --type <type>        only jobs of this type
  --limit <n>          jobs per page, 1 to 1000 (default 20)
  --cursor <cursor>    the next cursor a previous page printed
  --queue <queue>      the queue (global flag; default "default")

Example:
  taskharbor --driver redis list --status scheduled --limit 50`,
  options: {
    status: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
    type: { type: 'string' },
  },
  async run(ctx) {
    const { args, flags, out } = ctx;
    expectPositionals(ctx, this, 0, 0);
    const statusText = args.string('status') ?? 'all';
    if (statusText !== 'all' && !JOB_STATUSES.includes(statusText as JobStatus)) {
      throw usage(this, `--status: expected one of ${[...JOB_STATUSES, 'all'].join(', ')}, got ${JSON.stringify(statusText)}`);
    }
    const status = statusText === 'all' ? undefined : (statusText as JobStatus);
    const page = pageFlags(ctx);

    const admin = await ctx.driver();
    const result = await admin.list({
      queue: flags.queue,
      limit: page.limit,
      ...(status && { status }),
      ...(page.type && { type: page.type }),
      ...(page.cursor && { cursor: page.cursor }),
    });
    if (out.json) {
      out.document({
        queue: flags.queue,
        status: statusText,
        type: page.type ?? null,
        jobs: result.jobs.map((record) => jobToJson(record, { values: false })),
        nextCursor: result.nextCursor ?? null,
      });
      return 0;
    }
    if (result.jobs.length === 0) {
      const of = page.type === undefined ? '' : ` of type ${page.type}`;
      out.line(`no ${status === undefined ? '' : `${status} `}jobs${of} in queue ${flags.queue}${page.cursor === undefined ? '' : ' after this cursor'}`);
      return 0;
    }
    out.lines(jobTable(result.jobs, Date.now(), out.colours));
    if (result.nextCursor !== undefined) out.line(nextPageHint(pageCommand('list', ctx, page, status), result.nextCursor));
    return 0;
  },
};
