import { ScheduleNotFoundError } from '@taskharbor/core';
import { OperationalError } from '../errors.js';
import type { Command, CommandContext } from './command.js';
import { expectPositionals } from './command.js';
import { schedulesDriver } from './schedule-access.js';

function notFound(name: string): OperationalError {
  const error = new ScheduleNotFoundError(name);
  return new OperationalError(error.message, error.code, { cause: error });
}

export const scheduleRemoveCommand: Command = {
  name: 'schedule remove',
  summary: 'Remove a schedule and its pending occurrence',
  usage: '<name>',
  help: `Removes the schedule <name> and the job waiting for its next tick. A job
of it that is already running finishes. An unknown name: exit 1. With
--json: {"name", "removed": true}.

Example:
  taskharbor --driver redis schedule remove nightly-report`,
  options: {},
  async run(ctx) {
    const [name] = expectPositionals(ctx, this, 1, 1) as [string];
    const driver = await schedulesDriver(ctx, 'remove a schedule');
    if (!(await driver.removeSchedule(name))) throw notFound(name);
    if (ctx.out.json) ctx.out.document({ name, removed: true });
    else ctx.out.line(`removed schedule ${name}: no tick of it runs from now on`);
    return 0;
  },
};

export const scheduleTriggerCommand: Command = {
  name: 'schedule trigger',
  summary: 'Run a schedule once now, without moving its cadence',
  usage: '<name>',
  help: `Enqueues one job of the schedule <name> now (ready at once, scheduledFor
now), also when the schedule is paused; its next tick, run count and limit
stay as they are. Prints the job's id (with --json: {"name", "id", "queue"}).
An unknown name: exit 1.

Example:
  taskharbor --driver redis schedule trigger nightly-report`,
  options: {},
  async run(ctx) {
    const [name] = expectPositionals(ctx, this, 1, 1) as [string];
    const driver = await schedulesDriver(ctx, 'trigger a schedule');
    const schedule = await driver.getSchedule(name);
    if (schedule === undefined) throw notFound(name);
    const { id } = await driver.triggerSchedule(name, { now: Date.now() });
    if (ctx.out.json) ctx.out.document({ name, id, queue: schedule.queue });
    else ctx.out.line(id);
    return 0;
  },
};

async function setPaused(command: Command, ctx: CommandContext, paused: boolean): Promise<number> {
  const [name] = expectPositionals(ctx, command, 1, 1) as [string];
  const driver = await schedulesDriver(ctx, paused ? 'pause a schedule' : 'resume a schedule');
  const before = await driver.getSchedule(name);
  if (before === undefined) throw notFound(name);
  if (paused) await driver.pauseSchedule(name);
  else await driver.resumeSchedule(name);
  if (ctx.out.json) {
    ctx.out.document({ name, paused, wasPaused: before.paused });
  } else if (before.paused === paused) {
    ctx.out.line(`schedule ${name} was already ${paused ? 'paused' : 'running'}; nothing changed`);
  } else if (paused) {
    ctx.out.line(`paused schedule ${name}: its ticks make no jobs until taskharbor schedule resume`);
  } else {
    ctx.out.line(`resumed schedule ${name}: its ticks make jobs again`);
  }
  return 0;
}

export const schedulePauseCommand: Command = {
  name: 'schedule pause',
  summary: 'Stop a schedule making jobs until it is resumed',
  usage: '<name>',
  help: `Pauses the schedule <name>: ticks that come due while it is paused make no
job and are not caught up later (trigger still works). Stored with the
schedule, so every worker obeys it. Pausing a paused schedule changes
nothing. With --json: {"name", "paused": true, "wasPaused"}.`,
  options: {},
  run(ctx) {
    return setPaused(this, ctx, true);
  },
};

export const scheduleResumeCommand: Command = {
  name: 'schedule resume',
  summary: 'Let a paused schedule make jobs again',
  usage: '<name>',
  help: `Resumes the schedule <name>: its next tick makes a job again. With --json:
{"name", "paused": false, "wasPaused"}.`,
  options: {},
  run(ctx) {
    return setPaused(this, ctx, false);
  },
};
