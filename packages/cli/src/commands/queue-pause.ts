import type { Command, CommandContext } from './command.js';
import { expectPositionals } from './command.js';
import { controlDriver } from './job-control-access.js';

/**
 * Pauses or resumes --queue. Both are idempotent; the counts read first say
 * whether anything changed and what the queue holds, which is what an
 * operator in an incident wants to see next.
 */
export async function setQueuePaused(command: Command, ctx: CommandContext, paused: boolean): Promise<number> {
  expectPositionals(ctx, command, 0, 0);
  const queue = ctx.flags.queue;
  const control = await controlDriver(ctx, paused ? 'pause a queue' : 'resume a queue');
  const before = await control.counts(queue);
  const wasPaused = before.paused === true;
  if (paused) await control.pause(queue);
  else await control.resume(queue);
  if (ctx.out.json) {
    ctx.out.document({ queue, paused, wasPaused });
    return 0;
  }
  const holds = `${before.inflight} running, ${before.ready} ready, ${before.scheduled} scheduled`;
  if (wasPaused === paused) {
    ctx.out.line(`queue ${queue} was already ${paused ? 'paused' : 'running'}; nothing changed (${holds})`);
  } else if (paused) {
    ctx.out.line(`paused queue ${queue}: workers take no new jobs from it until taskharbor queue resume; running jobs finish (${holds})`);
  } else {
    ctx.out.line(`resumed queue ${queue}: workers take its jobs again (${holds})`);
  }
  return 0;
}

export const queuePauseCommand: Command = {
  name: 'queue pause',
  summary: 'Stop every worker taking jobs from a queue',
  usage: '',
  help: `Pauses --queue: no worker, in any process, takes a new job from it until
queue resume. Jobs already running finish; enqueue, retries and every other
command keep working, so jobs pile up as ready or scheduled. The flag is
stored with the queue, so it outlives worker restarts. stats and queues show
it. Pausing a paused queue changes nothing.

Flags:
  --queue <queue>      the queue (global flag; default "default")

Example:
  taskharbor --driver redis --queue emails queue pause`,
  options: {},
  run(ctx) {
    return setQueuePaused(this, ctx, true);
  },
};
