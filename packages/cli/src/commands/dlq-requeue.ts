import type { RequeueOptions } from '@taskharbor/core';
import { durationFlag } from '../args/duration.js';
import { timeFlag } from '../args/time.js';
import { OperationalError } from '../errors.js';
import { locateJob } from '../locate-job.js';
import { describeTime } from '../output/time.js';
import type { Command, CommandContext } from './command.js';
import { expectPositionals, usage } from './command.js';
import { requeueAll } from './dlq-requeue-all.js';

const requeueHelp = `Moves a dead-lettered job back to its queue: ready at the tail, or
scheduled with --run-at / --delay. The dead-letter reason and the lease are
cleared and its reclaim count starts again from 0. A job that is not
dead-lettered is left alone (exit 1).

Its attempts are kept as history: a job that had used all of its runs gets
exactly one more (its maxAttempts becomes attempts + 1), one dead-lettered
early keeps the runs it had left. --reset-attempts gives it all of them again.

With --all, every dead-lettered job of --queue (oldest failure first, or
only those of --type, up to --limit) goes back as ready.

Flags:
  --reset-attempts     also set attempts to 0 and clear the last error and the
                       error history, so the job gets all of its runs again
  --run-at <time>      run no earlier than: RFC 3339, unix seconds or unix ms
  --delay <duration>   run after this long: 30s, 5m (not with --run-at)
  --queue <queue>      a guard: the job must be in this queue. Without it the
                       job is looked for in every queue. With --all: the queue
  --all                every dead-lettered job of --queue instead of one id
  --type <type>        with --all: only jobs of this type
  --limit <n>          with --all: at most this many

Examples:
  taskharbor --driver redis dlq requeue 01JZ3G6Q0M5W4T7X9A2B8C4D6E --reset-attempts
  taskharbor --driver redis --queue emails dlq requeue --all --type email.send`;

async function requeue(command: Command, ctx: CommandContext): Promise<number> {
  const { args, flags, out } = ctx;
  if (args.boolean('all')) return requeueAll(command, ctx);
  for (const flag of ['type', 'limit']) if (args.has(flag)) throw usage(command, `--${flag} goes with --all`);
  const [id] = expectPositionals(ctx, command, 1, 1);
  const runAtText = args.string('run-at');
  const delayText = args.string('delay');
  if (runAtText !== undefined && delayText !== undefined) throw usage(command, 'give --run-at or --delay, not both');
  const runAt = runAtText === undefined ? undefined : timeFlag('run-at', runAtText);
  const delayMs = delayText === undefined ? undefined : durationFlag('delay', delayText);

  const admin = await ctx.driver();
  const record = await locateJob(admin, id as string, flags);
  if (record.status !== 'dlq') {
    throw new OperationalError(
      `job ${record.id} in queue ${record.queue} is ${record.status}, not dead-lettered; only a dead-lettered job can be requeued, so nothing changed`,
      'NOT_DEAD_LETTERED',
    );
  }
  const now = Date.now();
  const options: RequeueOptions = { now, resetAttempts: args.boolean('reset-attempts') };
  if (runAt !== undefined) options.runAt = runAt;
  if (delayMs !== undefined && delayMs > 0) options.runAt = now + delayMs;
  await admin.requeueDlq({ queue: record.queue, id: record.id }, options);
  const after = await admin.inspect({ queue: record.queue, id: record.id });
  const status = after?.status ?? 'unknown';
  if (out.json) {
    out.document({
      id: record.id,
      queue: record.queue,
      status,
      attempts: after?.attempts ?? null,
      maxAttempts: after?.maxAttempts ?? null,
      runAt: after?.runAt ?? null,
    });
    return 0;
  }
  const when = status === 'scheduled' && after?.runAt !== undefined ? ` for ${describeTime(after.runAt, Date.now())}` : '';
  out.line(`requeued ${record.id} in queue ${record.queue}: ${status}${when}, attempts ${after?.attempts ?? '?'}/${after?.maxAttempts ?? '?'}`);
  return 0;
}

const requeueOptions = {
  'reset-attempts': { type: 'boolean' },
  'run-at': { type: 'string' },
  delay: { type: 'string' },
  all: { type: 'boolean' },
  type: { type: 'string' },
  limit: { type: 'string' },
} as const;

export const dlqRequeueCommand: Command = {
  name: 'dlq requeue',
  summary: 'Move a dead-lettered job (or all of them) back to its queue',
  usage: '<id> [--reset-attempts] [--run-at <time> | --delay <duration>] | --all [--type <type>] [--limit <n>] [--reset-attempts]',
  help: requeueHelp,
  options: requeueOptions,
  run(ctx) {
    return requeue(this, ctx);
  },
};

/** `job retry` is what many operators type first; it does exactly what dlq requeue does. */
export const jobRetryCommand: Command = {
  name: 'job retry',
  summary: 'Same as dlq requeue',
  usage: dlqRequeueCommand.usage,
  help: `An alias of dlq requeue.\n\n${requeueHelp}`,
  options: requeueOptions,
  run(ctx) {
    return requeue(this, ctx);
  },
};
