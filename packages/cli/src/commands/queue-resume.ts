import type { Command } from './command.js';
import { setQueuePaused } from './queue-pause.js';

export const queueResumeCommand: Command = {
  name: 'queue resume',
  summary: 'Let workers take jobs from a paused queue again',
  usage: '',
  help: `Resumes a paused --queue: waiting workers are woken at once and take its
jobs again. Resuming a queue that is not paused changes nothing.

Flags:
  --queue <queue>      the queue (global flag; default "default")

Example:
  taskharbor --driver redis --queue emails queue resume`,
  options: {},
  run(ctx) {
    return setQueuePaused(this, ctx, false);
  },
};
