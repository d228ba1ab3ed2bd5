import { bulkFilters } from '../args/bulk-filters.js';
import type { Command } from './command.js';
import { expectPositionals } from './command.js';
import { PURGE_OPTIONS, purgeJobs } from './purge-jobs.js';

export const dlqPurgeCommand: Command = {
  name: 'dlq purge',
  summary: 'Delete dead-lettered jobs of a queue',
  usage: '[--older-than <duration>] [--type <type>] [--limit <n>]',
  help: `Deletes the dead-lettered jobs of --queue, with their idempotency keys and
index entries, and prints how many. Without filters the whole dead-letter
queue is emptied; this cannot be undone.

Flags:
  --older-than <duration>  only jobs dead-lettered more than this long ago
                           (7d, 12h, 30m)
  --type <type>            only jobs of this type
  --limit <n>              delete at most this many
  --queue <queue>          the queue (global flag; default "default")

Example:
  taskharbor --driver redis dlq purge --older-than 7d --type email.send`,
  options: PURGE_OPTIONS,
  run(ctx) {
    expectPositionals(ctx, this, 0, 0);
    return purgeJobs(ctx, 'dlq', bulkFilters(ctx.args));
  },
};
