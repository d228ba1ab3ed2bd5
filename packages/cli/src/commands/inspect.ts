import { locateJob } from '../locate-job.js';
import { jobToJson } from '../output/json.js';
import { jobFields } from '../output/job-views.js';
import type { Command } from './command.js';
import { expectPositionals } from './command.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Show every field of one job',
  usage: '<id>',
  help: `Shows a job as stored: status, attempts, times, the lease while it is in
flight, the dead-letter reason when it is dead-lettered, the last error
(its stack with --verbose) and a preview of the payload. With --json, the whole record with the decoded
payload (or payloadBase64 when it is not JSON).

Without --queue every queue is searched for the id; with --queue only that
one is.

Example:
  taskharbor --driver redis inspect 01JZ3G6Q0M5W4T7X9A2B8C4D6E`,
  options: {},
  async run(ctx) {
    const [id] = expectPositionals(ctx, this, 1, 1);
    const admin = await ctx.driver();
    const record = await locateJob(admin, id as string, ctx.flags);
    if (ctx.out.json) ctx.out.document(jobToJson(record, { values: true }));
    else ctx.out.lines(jobFields(record, Date.now(), ctx.out.colours, { verbose: ctx.out.verbose }));
    return 0;
  },
};
