/**
 * What the cross-process flow-control proofs share, whatever the driver:
 * enqueueing `flow` jobs in chunks, reading the `flowStart` events of the
 * worker processes, and the three checks (group concurrency, sliding-window
 * rate, fairness).
 */
import type { Client } from '@taskharbor/core';
import type { FaultWorker } from './fault-harness.js';
import type { FlowPayload } from './flow-probe.js';

export interface FlowStart {
  id: string;
  pid: number;
  group: string;
  /** The group's jobs counted in flight when this one came in (this one included). */
  inflight: number;
  /** The start's number across every process. */
  seq: number;
  /** reserve's `now` for this job. */
  reservedAt: number;
}

export interface FlowJob {
  group?: string;
  workMs: number;
}

/** Enqueues `flow` jobs in order, 1,000 per call. */
export async function enqueueFlowJobs(client: Client, queue: string, jobs: readonly FlowJob[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += 1000) {
    await client.enqueueMany(
      jobs.slice(i, i + 1000).map((job) => {
        const payload: FlowPayload = { group: job.group ?? '', workMs: job.workMs };
        return { type: 'flow', payload, options: job.group === undefined ? { queue } : { queue, group: job.group } };
      }),
    );
  }
}

export function flowStarts(workers: readonly FaultWorker[]): FlowStart[] {
  return workers.flatMap((worker) =>
    worker.events
      .filter((event) => event.event === 'flowStart')
      .map((event) => ({
        id: event.id as string,
        pid: event.pid,
        group: event.group as string,
        inflight: event.inflight as number,
        seq: event.seq as number,
        reservedAt: event.reservedAt as number,
      })),
  );
}

/** The most jobs of each group counted in flight at once. */
export function peakInflightByGroup(starts: readonly FlowStart[]): Map<string, number> {
  const peaks = new Map<string, number>();
  for (const start of starts) peaks.set(start.group, Math.max(peaks.get(start.group) ?? 0, start.inflight));
  return peaks;
}

/**
 * The most starts inside any window of `perMs`, wherever it starts: with
 * the starts sorted, the window (t - perMs, t] ending at start j holds the
 * starts i..j with t_j - t_i < perMs.
 */
export function busiestWindow(reservedAts: readonly number[], perMs: number): number {
  const times = [...reservedAts].sort((a, b) => a - b);
  let busiest = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while ((times[last] as number) - (times[first] as number) >= perMs) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

/** For each group other than `big`: how many of big's jobs started before the group's first. */
export function bigStartsBeforeEachSmallGroup(starts: readonly FlowStart[], big: string): Map<string, number> {
  const ordered = [...starts].sort((a, b) => a.seq - b.seq);
  const before = new Map<string, number>();
  let bigSoFar = 0;
  for (const start of ordered) {
    if (start.group === big) bigSoFar++;
    else if (!before.has(start.group)) before.set(start.group, bigSoFar);
  }
  return before;
}
