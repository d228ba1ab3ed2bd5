import { type Admin, type Driver, type FlowControl, type Lease, type NewJobRecord, requireFlowControl } from '@taskharbor/core';
import { enqueueJob, LEASE_MS } from './fixtures.js';
import type { Harness } from './setup.js';

/** The driver of a case that tests flow control. */
export type FlowControlDriver = Driver & Admin & FlowControl;

/** The harness's driver as a flow-control driver; the flow-control cases only run on drivers that declare it. */
export function flow(h: Harness): FlowControlDriver {
  return requireFlowControl(h.driver, 'run the flow-control cases');
}

/** Enqueues one fixture job per entry, in order, and returns their ids. */
export async function enqueueAll(h: Harness, entries: readonly Partial<NewJobRecord>[]): Promise<string[]> {
  const ids: string[] = [];
  for (const entry of entries) ids.push((await enqueueJob(h, entry)).id);
  return ids;
}

/** Enqueues one job per group name (undefined: no group), in order, and returns their ids. */
export async function enqueueGroups(h: Harness, groups: readonly (string | undefined)[]): Promise<string[]> {
  return enqueueAll(
    h,
    groups.map((group) => (group === undefined ? {} : { group })),
  );
}

/** One reserve from the harness queue (or `queue`) at the clock's now: the jobs handed out and nextDueAt. */
export async function reserveAt(
  h: Harness,
  options: { limit?: number; leaseMs?: number; queue?: string } = {},
): Promise<{ ids: string[]; groups: (string | undefined)[]; leases: Lease[]; nextDueAt?: number }> {
  const result = await h.driver.reserve({
    queue: options.queue ?? h.queue,
    limit: options.limit ?? 100,
    leaseMs: options.leaseMs ?? LEASE_MS,
    now: h.clock.now(),
  });
  const picked = {
    ids: result.jobs.map((reserved) => reserved.job.id),
    groups: result.jobs.map((reserved) => reserved.job.group),
    leases: result.jobs.map((reserved) => reserved.lease),
  };
  return result.nextDueAt === undefined ? picked : { ...picked, nextDueAt: result.nextDueAt };
}

/** The groups of the jobs `count` reserves of limit 1 hand out, in order ('-' for a job without a group). */
export async function groupsOneByOne(h: Harness, count: number, queue = h.queue): Promise<string[]> {
  const groups: string[] = [];
  for (let i = 0; i < count; i++) {
    const { groups: got } = await reserveAt(h, { limit: 1, queue });
    groups.push(...got.map((group) => group ?? '-'));
  }
  return groups;
}
