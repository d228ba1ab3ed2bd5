import type { ScheduleRecord } from '@taskharbor/core';
import { scheduleTable, scheduleToJson } from '../output/schedule-views.js';
import type { Command } from './command.js';
import { expectPositionals } from './command.js';
import { schedulesDriver } from './schedule-access.js';

export const scheduleListCommand: Command = {
  name: 'schedule list',
  summary: 'List the schedules with their next and last run',
  usage: '',
  help: `Lists every schedule (in name order) with its cadence, when it runs next,
when a tick last made a job, how many ticks made jobs (of its limit), and
whether it is active, paused or ended (endAt passed or limit reached). With
--queue, only the schedules of that queue. With --json: {"schedules": [{"name",
"queue", "type", "cron", "everyMs", "timezone", "startAt", "endAt", "limit",
"catchUp", "maxAttempts", "timeoutMs", "state", "paused", "nextRunAt",
"lastRunAt", "runs", "createdAt", "updatedAt", "payload"}]}, times as epoch
milliseconds, null when unset.

Flags:
  --queue <queue>      only this queue's schedules (global flag; default: every queue)`,
  options: {},
  async run(ctx) {
    expectPositionals(ctx, this, 0, 0);
    const driver = await schedulesDriver(ctx, 'list schedules');
    const all: ScheduleRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await driver.schedules(cursor === undefined ? {} : { cursor });
      all.push(...page.schedules);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const shown = ctx.flags.queueExplicit ? all.filter((schedule) => schedule.queue === ctx.flags.queue) : all;
    if (ctx.out.json) {
      ctx.out.document({ schedules: shown.map(scheduleToJson) });
      return 0;
    }
    if (shown.length === 0) {
      ctx.out.line(ctx.flags.queueExplicit ? `no schedules in queue ${ctx.flags.queue}` : 'no schedules yet: make one with taskharbor schedule set');
      return 0;
    }
    ctx.out.lines(scheduleTable(shown, Date.now(), ctx.out.colours));
    return 0;
  },
};
