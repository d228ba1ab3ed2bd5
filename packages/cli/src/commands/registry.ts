import type { Command } from './command.js';
import { dashboardCommand } from './dashboard.js';
import { dlqListCommand } from './dlq-list.js';
import { dlqPurgeCommand } from './dlq-purge.js';
import { dlqRequeueCommand, jobRetryCommand } from './dlq-requeue.js';
import { enqueueCommand } from './enqueue.js';
import { groupLimitsCommand, groupPauseCommand, groupResumeCommand } from './group-commands.js';
import { inspectCommand } from './inspect.js';
import { jobCancelCommand } from './job-cancel.js';
import { jobPromoteCommand } from './job-promote.js';
import { jobRemoveCommand } from './job-remove.js';
import { listCommand } from './list.js';
import { metricsCommand } from './metrics.js';
import { queueLimitsCommand } from './queue-limits.js';
import { queuePauseCommand } from './queue-pause.js';
import { queuePurgeCommand } from './queue-purge.js';
import { queueResumeCommand } from './queue-resume.js';
import { queuesCommand } from './queues.js';
import { schedulePauseCommand, scheduleRemoveCommand, scheduleResumeCommand, scheduleTriggerCommand } from './schedule-actions.js';
import { scheduleListCommand } from './schedule-list.js';
import { scheduleSetCommand } from './schedule-set.js';
import { statsCommand } from './stats.js';
import { workerRunCommand } from './worker-run.js';
import { workersCommand } from './workers.js';

/** Every command, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  workerRunCommand,
  enqueueCommand,
  listCommand,
  inspectCommand,
  dlqListCommand,
  dlqRequeueCommand,
  dlqPurgeCommand,
  jobRetryCommand,
  jobCancelCommand,
  jobRemoveCommand,
  jobPromoteCommand,
  queuePauseCommand,
  queueResumeCommand,
  queuePurgeCommand,
  queueLimitsCommand,
  groupLimitsCommand,
  groupPauseCommand,
  groupResumeCommand,
  queuesCommand,
  scheduleListCommand,
  scheduleSetCommand,
  scheduleRemoveCommand,
  scheduleTriggerCommand,
  schedulePauseCommand,
  scheduleResumeCommand,
  statsCommand,
  workersCommand,
  metricsCommand,
  dashboardCommand,
];

/** Words that only group subcommands (`dlq list`, `dlq requeue`). */
export const GROUPS: ReadonlySet<string> = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] as string));

export type Lookup =
  | { kind: 'command'; command: Command; rest: string[] }
  | { kind: 'group'; group: string; rest: string[] }
  | { kind: 'unknown'; word: string };

/** Finds the command the words after the global flags name. */
export function findCommand(words: readonly string[]): Lookup {
  const [first = '', second] = words;
  if (GROUPS.has(first)) {
    const command = COMMANDS.find((c) => c.name === `${first} ${second}`);
    if (command !== undefined) return { kind: 'command', command, rest: words.slice(2) };
    return { kind: 'group', group: first, rest: words.slice(1) };
  }
  const command = COMMANDS.find((c) => c.name === first);
  return command === undefined ? { kind: 'unknown', word: first } : { kind: 'command', command, rest: words.slice(1) };
}

export function subcommandsOf(group: string): Command[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${group} `));
}
