import type { Command } from './command.js';
import { expectPositionals } from './command.js';
import { locateForControl } from './job-control-access.js';

export const jobRemoveCommand: Command = {
  name: 'job remove',
  summary: 'Delete a job that is not running',
  usage: '<id>',
  help: `Deletes a job with its idempotency key and every index entry, whatever its
status, except in flight: a running job is refused (exit 1; cancel it
first). Afterwards its id and idempotency key can be enqueued again.

Flags:
  --queue <queue>      a guard: the job must be in this queue. Without it the
                       job is looked for in every queue

Example:
  taskharbor --driver redis job remove 01JZ3G6Q0M5W4T7X9A2B8C4D6E`,
  options: {},
  async run(ctx) {
    const [id] = expectPositionals(ctx, this, 1, 1);
    const { control, record } = await locateForControl(ctx, id as string, 'remove a job');
    await control.remove({ queue: record.queue, id: record.id });
    if (ctx.out.json) ctx.out.document({ id: record.id, queue: record.queue, removed: true, was: record.status });
    else ctx.out.line(`removed ${record.id} from queue ${record.queue} (it was ${record.status})`);
    return 0;
  },
};
