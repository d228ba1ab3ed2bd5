import type { Harness } from './harness.js';
import type { WorkerOptions } from '../../src/index.js';
import type { Worker } from '../../src/index.js';

export const MINUTE = 60_000;
export const HOUR_MS = 60 * MINUTE;

/** One handler run of a scheduled job: the tick it was made for, when it ran, which worker ran it, its attempt. */
export interface TickRun {
  tick: number;
  at: number;
  worker: number;
  attempt: number;
  id: string;
}

/**
 * Makes `count` workers of the harness that record every run of job type
 * `tick` in `runs`; `handle` may add to a run (throw, wait). Not started.
 */
export function tickWorkers(
  h: Harness<Record<string, unknown>>,
  count: number,
  runs: TickRun[],
  options: WorkerOptions = {},
  handle: (run: TickRun) => unknown = () => undefined,
): Worker[] {
  const workers: Worker[] = [];
  for (let index = 0; index < count; index++) {
    const { worker } = h.worker({ concurrency: 2, scheduleCheckMs: MINUTE, ...options });
    worker.register('tick', (job) => {
      const run = { tick: job.scheduledFor as number, at: h.clock.now(), worker: index, attempt: job.attempt, id: job.id };
      runs.push(run);
      return handle(run);
    });
    workers.push(worker);
  }
  return workers;
}

/** How often each tick ran, in tick order. */
export function runsPerTick(runs: readonly TickRun[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const run of [...runs].sort((a, b) => a.tick - b.tick)) counts.set(run.tick, (counts.get(run.tick) ?? 0) + 1);
  return counts;
}

/** Moves the fake clock on in steps, letting the workers keep up at each. */
export async function advanceInSteps(h: Harness<Record<string, unknown>>, total: number, step: number): Promise<void> {
  for (let moved = 0; moved < total; moved += step) await h.clock.advance(Math.min(step, total - moved));
}
