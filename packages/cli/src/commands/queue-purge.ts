import { JOB_STATUSES, type PurgeStatus } from '@taskharbor/core';
import { bulkFilters } from '../args/bulk-filters.js';
import type { Command } from './command.js';
import { expectPositionals, usage } from './command.js';
import { PURGE_OPTIONS, purgeJobs } from './purge-jobs.js';

const PURGE_STATUSES: readonly string[] = JOB_STATUSES.filter((status) => status !== 'inflight');

export const queuePurgeCommand: Command = {
  name: 'queue purge',
  summary: 'Delete the jobs of a queue in one status',
  usage: '--status <status> [--older-than <duration>] [--type <type>] [--limit <n>]',
  help: `Deletes the jobs of --queue in one status, with their idempotency keys and
index entries, and prints how many. Jobs in flight are never purged (cancel
them first). This cannot be undone.

Flags:
  --status <status>        ready, scheduled, done, dlq or cancelled (required)
  --older-than <duration>  only jobs that reached the status more than this
                           long ago: finished (done), dead-lettered (dlq),
                           cancelled (cancelled) or created (ready, scheduled)
  --type <type>            only jobs of this type
  --limit <n>              delete at most this many
  --queue <queue>          the queue (global flag; default "default")

Example:
  taskharbor --driver redis --queue reports queue purge --status cancelled --older-than 1d`,
  options: { ...PURGE_OPTIONS, status: { type: 'string' } },
  run(ctx) {
    expectPositionals(ctx, this, 0, 0);
    const status = ctx.args.string('status');
    if (status === undefined) throw usage(this, 'missing --status');
    if (!PURGE_STATUSES.includes(status)) {
      const hint = status === 'inflight' ? ' (jobs in flight are never purged; cancel them first)' : '';
      throw usage(this, `--status: expected one of ${PURGE_STATUSES.join(', ')}, got ${JSON.stringify(status)}${hint}`);
    }
    return purgeJobs(ctx, status as PurgeStatus, bulkFilters(ctx.args));
  },
};
