import type { Command } from './command.js';
import { expectPositionals } from './command.js';
import { locateForControl } from './job-control-access.js';

export const jobPromoteCommand: Command = {
  name: 'job promote',
  summary: 'Make a scheduled job ready now',
  usage: '<id>',
  help: `Makes a scheduled job ready now, at the tail of its queue, and wakes waiting
workers. Its run-at time is cleared. A job in any other status is refused
(exit 1, nothing changed).

Flags:
  --queue <queue>      a guard: the job must be in this queue. Without it the
                       job is looked for in every queue

Example:
  taskharbor --driver redis job promote 01JZ3G6Q0M5W4T7X9A2B8C4D6E`,
  options: {},
  async run(ctx) {
    const [id] = expectPositionals(ctx, this, 1, 1);
    const { control, record } = await locateForControl(ctx, id as string, 'promote a job');
    await control.promote({ queue: record.queue, id: record.id }, { now: Date.now() });
    if (ctx.out.json) ctx.out.document({ id: record.id, queue: record.queue, status: 'ready' });
    else ctx.out.line(`promoted ${record.id} in queue ${record.queue}: ready now (it was scheduled)`);
    return 0;
  },
};
