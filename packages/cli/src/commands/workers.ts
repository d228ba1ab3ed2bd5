import { workersTable } from '../output/observability-views.js';
import type { Command } from './command.js';
import { expectPositionals } from './command.js';
import { observabilityDriver } from './observability-access.js';

export const workersCommand: Command = {
  name: 'workers',
  summary: 'List the live workers: where they run, their queues and how busy they are',
  usage: '',
  help: `Lists every live worker in the store (every process, every host): its id,
host and pid, the queues it serves, the jobs it runs now out of its
concurrency, when it started and when it last refreshed its entry. A worker
that closes removes itself; one that died drops out once its entry expires.
With --json: {"workers": [{"id", "host", "pid", "queues", "concurrency",
"running", "startedAt", "version", "lastSeenAt", "expiresAt"}]}, times as
epoch milliseconds.

Example:
  taskharbor --driver redis workers`,
  options: {},
  async run(ctx) {
    expectPositionals(ctx, this, 0, 0);
    const store = await observabilityDriver(ctx, 'list workers');
    const now = Date.now();
    const workers = await store.workers({ now });
    if (ctx.out.json) {
      ctx.out.document({ workers });
      return 0;
    }
    if (workers.length === 0) {
      ctx.out.line('no live workers');
      return 0;
    }
    ctx.out.lines(workersTable(workers, now, ctx.out.colours));
    return 0;
  },
};
