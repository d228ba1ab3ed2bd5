import type { Command } from './command.js';
import { expectPositionals } from './command.js';
import { locateForControl } from './job-control-access.js';

export const jobCancelCommand: Command = {
  name: 'job cancel',
  summary: 'Cancel a job: at once when it waits, through its worker when it runs',
  usage: '<id> [--reason <text>]',
  help: `Cancels a job. A ready or scheduled job is cancelled at once and never
runs. A running job gets a cancel request: its worker aborts the run
(ctx.signal, JobCancelledError), and when the handler settles the job is
cancelled, whatever it returned; it is not retried or dead-lettered.
Cancelled jobs are kept for inspection under the done retention.

A job that has finished (done, dead-lettered or cancelled) cannot be
cancelled: exit 1, nothing changed.

Flags:
  --reason <text>      why, shown by inspect and handed to the handler
  --queue <queue>      a guard: the job must be in this queue. Without it the
                       job is looked for in every queue

Example:
  taskharbor --driver redis job cancel 01JZ3G6Q0M5W4T7X9A2B8C4D6E --reason "sent by mistake"`,
  options: {
    reason: { type: 'string' },
  },
  async run(ctx) {
    const [id] = expectPositionals(ctx, this, 1, 1);
    const reason = ctx.args.string('reason');
    const { control, record } = await locateForControl(ctx, id as string, 'cancel a job');
    const { status } = await control.cancel({ queue: record.queue, id: record.id }, { now: Date.now(), ...(reason !== undefined && { reason }) });
    if (ctx.out.json) {
      ctx.out.document({ id: record.id, queue: record.queue, status, reason: reason ?? null });
    } else if (status === 'cancelled') {
      ctx.out.line(`cancelled ${record.id} in queue ${record.queue} (it was ${record.status}; it will not run)`);
    } else {
      ctx.out.line(
        `cancel requested for ${record.id} in queue ${record.queue}: it is running; its worker aborts the run and the job ends cancelled`,
      );
    }
    return 0;
  },
};
