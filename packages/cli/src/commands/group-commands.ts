import { validateGroupName } from '@taskharbor/core';
import { applyChanges, describeLimits, hasChanges, limitChanges } from '../args/flow-limits.js';
import type { Command, CommandContext } from './command.js';
import { expectPositionals } from './command.js';
import { flowDriver } from './flow-access.js';
import { activeHold } from './queue-limits.js';

async function showOrSetGroupLimits(command: Command, ctx: CommandContext): Promise<number> {
  const [group] = expectPositionals(ctx, command, 0, 1);
  if (group !== undefined) validateGroupName(group);
  const changes = limitChanges(ctx.args);
  const queue = ctx.flags.queue;
  const flow = await flowDriver(ctx, 'set group limits');
  if (group === undefined) {
    const { groupDefaults } = await flow.flowState(queue);
    const limits = hasChanges(changes) ? applyChanges(groupDefaults, changes) : groupDefaults;
    if (hasChanges(changes)) await flow.setGroupLimits(queue, limits);
    if (ctx.out.json) ctx.out.document({ queue, group: null, limits, changed: hasChanges(changes) });
    else ctx.out.line(`every group of queue ${queue} ${hasChanges(changes) ? 'now gets' : 'gets'}: ${describeLimits(limits)}`);
    return 0;
  }
  const before = await flow.groupState(queue, group);
  const overrides = hasChanges(changes) ? applyChanges(before.overrides, changes) : before.overrides;
  if (hasChanges(changes)) await flow.setGroupLimits(queue, overrides, group);
  const state = hasChanges(changes) ? await flow.groupState(queue, group) : before;
  const heldUntil = activeHold(state.heldUntil, Date.now());
  if (ctx.out.json) {
    ctx.out.document({ ...state, queue, heldUntil: heldUntil ?? null, changed: hasChanges(changes) });
    return 0;
  }
  ctx.out.line(
    `group ${group} of queue ${queue}: limits ${describeLimits(state.effective)} (own override: ${describeLimits(state.overrides)}); ` +
      `${state.inflight} running${state.paused ? '; paused' : ''}`,
  );
  if (heldUntil !== undefined) ctx.out.line(`held back by a handler's RateLimitedError until ${new Date(heldUntil).toISOString()}`);
  return 0;
}

async function setGroupPaused(command: Command, ctx: CommandContext, paused: boolean): Promise<number> {
  const [group] = expectPositionals(ctx, command, 1, 1) as [string];
  validateGroupName(group);
  const queue = ctx.flags.queue;
  const flow = await flowDriver(ctx, paused ? 'pause a group' : 'resume a group');
  const before = await flow.groupState(queue, group);
  if (paused) await flow.pauseGroup(queue, group);
  else await flow.resumeGroup(queue, group);
  if (ctx.out.json) {
    ctx.out.document({ queue, group, paused, wasPaused: before.paused });
  } else if (before.paused === paused) {
    ctx.out.line(`group ${group} of queue ${queue} was already ${paused ? 'paused' : 'running'}; nothing changed`);
  } else if (paused) {
    ctx.out.line(`paused group ${group} of queue ${queue}: its jobs wait until taskharbor group resume; ${before.inflight} running finish`);
  } else {
    ctx.out.line(`resumed group ${group} of queue ${queue}: workers take its jobs again`);
  }
  return 0;
}

const LIMIT_FLAGS = `  --concurrency <n>    the most jobs of one group in flight at once, across
                       every worker
  --rate <max>/<win>   at most <max> jobs of one group start within any <win>
                       (a sliding window): 10/1s, 600/1m
  --queue <queue>      the queue (global flag; default "default")`;

export const groupLimitsCommand: Command = {
  name: 'group limits',
  summary: "Show or set the limits of a queue's groups",
  usage: '[<group>] [--concurrency <n>|none] [--rate <max>/<window>|none]',
  help: `Without <group>: shows or sets the limits every group of --queue gets by
default. With <group>: shows that group (its limits, running jobs, pause
flag and any hold) or sets its own override, whose fields win over the
defaults. A flag not given keeps its stored value; none clears it (for a
group: falls back to the default).

${LIMIT_FLAGS}

Examples:
  taskharbor --driver redis --queue sync group limits --concurrency 2
  taskharbor --driver redis --queue sync group limits tenant-42 --concurrency 10
  taskharbor --driver redis --queue sync group limits tenant-42`,
  options: {
    concurrency: { type: 'string' },
    rate: { type: 'string' },
  },
  run(ctx) {
    return showOrSetGroupLimits(this, ctx);
  },
};

export const groupPauseCommand: Command = {
  name: 'group pause',
  summary: "Stop every worker taking one group's jobs",
  usage: '<group>',
  help: `Pauses one group of --queue: no worker takes its jobs until group resume;
its running jobs finish, other groups go on, enqueue keeps working. Stored
with the queue, so it outlives worker restarts.

Example:
  taskharbor --driver redis --queue sync group pause tenant-42`,
  options: {},
  run(ctx) {
    return setGroupPaused(this, ctx, true);
  },
};

export const groupResumeCommand: Command = {
  name: 'group resume',
  summary: 'Let workers take a paused group\'s jobs again',
  usage: '<group>',
  help: `Resumes a paused group of --queue; waiting workers are woken at once.

Example:
  taskharbor --driver redis --queue sync group resume tenant-42`,
  options: {},
  run(ctx) {
    return setGroupPaused(this, ctx, false);
  },
};
