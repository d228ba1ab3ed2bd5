import type { PurgeStatus } from '@taskharbor/core';
import { type BulkFilters, describeFilters } from '../args/bulk-filters.js';
import type { OptionSpec } from '../args/parse.js';
import type { CommandContext } from './command.js';
import { controlDriver } from './job-control-access.js';

/** The flags both purge commands take. */
export const PURGE_OPTIONS = {
  'older-than': { type: 'string' },
  type: { type: 'string' },
  limit: { type: 'string' },
} as const satisfies OptionSpec;

/** How a result line names the jobs of each status. */
const STATUS_WORDS: Readonly<Record<PurgeStatus, string>> = {
  ready: 'ready',
  scheduled: 'scheduled',
  done: 'done',
  dlq: 'dead-lettered',
  cancelled: 'cancelled',
};

/**
 * Removes the matching jobs of --queue in one status and reports how many.
 * The driver works in bounded steps, so a huge queue never blocks the store
 * for long; an interrupted purge is finished by running it again.
 */
export async function purgeJobs(ctx: CommandContext, status: PurgeStatus, filters: BulkFilters): Promise<number> {
  const queue = ctx.flags.queue;
  const word = STATUS_WORDS[status];
  const control = await controlDriver(ctx, `purge ${word} jobs`);
  const purged = await control.purge(queue, { status, now: Date.now(), ...filters });
  if (ctx.out.json) {
    ctx.out.document({
      queue,
      status,
      purged,
      type: filters.type ?? null,
      olderThanMs: filters.olderThanMs ?? null,
      limit: filters.limit ?? null,
    });
    return 0;
  }
  const more = filters.limit !== undefined && purged === filters.limit ? '; the limit was reached, so more may match' : '';
  ctx.out.line(`purged ${purged} ${word} job${purged === 1 ? '' : 's'} from queue ${queue}${describeFilters(filters)}${more}`);
  return 0;
}
