import { bulkFilters, describeFilters } from '../args/bulk-filters.js';
import type { Command, CommandContext } from './command.js';
import { expectPositionals, usage } from './command.js';
import { controlDriver } from './job-control-access.js';

/**
 * `dlq requeue --all`: every dead-lettered job of --queue (or those of
 * --type, up to --limit), oldest failure first, back to the ready tail. The
 * driver moves them in bounded steps; a second run after an interrupted one
 * carries on.
 */
export async function requeueAll(command: Command, ctx: CommandContext): Promise<number> {
  const { args, flags, out } = ctx;
  expectPositionals(ctx, command, 0, 0);
  if (args.has('run-at') || args.has('delay')) {
    throw usage(command, '--all puts jobs back as ready now; --run-at and --delay apply to one job');
  }
  const filters = bulkFilters(args);
  const resetAttempts = args.boolean('reset-attempts');
  const control = await controlDriver(ctx, 'requeue dead-lettered jobs in bulk');
  const requeued = await control.requeueDlqMany(flags.queue, { now: Date.now(), resetAttempts, ...filters });
  if (out.json) {
    out.document({ queue: flags.queue, requeued, resetAttempts, type: filters.type ?? null, limit: filters.limit ?? null });
    return 0;
  }
  if (requeued === 0) {
    out.line(`no dead-lettered jobs${describeFilters(filters)} in queue ${flags.queue}; nothing changed`);
    return 0;
  }
  const attempts = resetAttempts ? 'attempts reset to 0' : 'attempts kept (a job that had used all its runs gets one more)';
  out.line(`requeued ${requeued} dead-lettered job${requeued === 1 ? '' : 's'}${describeFilters(filters)} in queue ${flags.queue}: ready, ${attempts}`);
  return 0;
}
