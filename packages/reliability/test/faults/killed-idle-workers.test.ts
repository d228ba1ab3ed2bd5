/**
 * A worker killed while it waits idle: on Redis its listener has a handoff
 * offer standing, which lapses only seconds later, so an enqueue in that
 * window leases its job to a process that is gone. The job must not be
 * lost: its lease runs out and the live worker reclaims and runs it.
 */
import { Client } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import {
  baseWorkerConfig,
  checkDeliveries,
  FaultWorker,
  inspectAll,
  readStarts,
  SKIP_SHARED,
  TEST_TIMEOUT_MS,
  waitFor,
} from '../support/fault-harness.js';
import { useSharedFaultRedis } from '../support/fault-shared-redis.js';

const JOBS = 20;
const LEASE_MS = 1500;

describe.skipIf(SKIP_SHARED)('killed idle worker (SIGKILL with a handoff offer standing)', () => {
  const shared = useSharedFaultRedis('killidle');
  const { prefix, startsKey } = shared;

  it(`a job handed to the killed worker's offer is reclaimed after its ${LEASE_MS} ms lease and run by the live one; none lost`, async () => {
    const { url, redis, driver } = shared;
    const queue = 'faults';
    const takers = `${prefix}:{${queue}}:takers`;
    const config = baseWorkerConfig({ url, prefix, leaseMs: LEASE_MS, concurrency: 1, workMinMs: 1, workMaxMs: 2 });
    const live = new FaultWorker(config);
    const victim = new FaultWorker(config);
    await Promise.all([live.ready, victim.ready]);
    await waitFor('both idle workers offering', 10_000, async () => (await redis.zcard(takers)) === 2, 20);
    await victim.kill();

    // One job at a time: each enqueue takes the oldest standing offer, so the dead
    // worker's offer takes one of the first two jobs (the live one renews its own).
    const client = new Client(driver);
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const { id } = await client.enqueue('work', { n: i }, { queue });
      ids.push(id);
      await waitFor(`job ${i} leased`, 10_000, async () => (await driver.counts(queue)).ready === 0, 5);
    }
    await waitFor('every job done', 30_000, async () => (await driver.counts(queue)).done === JOBS, 50);
    await live.stop();

    const records = await inspectAll(driver, queue, ids);
    const starts = await readStarts(redis, startsKey);
    const report = checkDeliveries(ids, records, starts, new Set([victim.pid]));
    const reclaimed = [...records.values()].filter((record) => (record?.reclaims ?? 0) > 0);
    console.info(`[faults] killed-idle-worker: jobs=${JOBS} reclaimed=${reclaimed.length} starts=${starts.length} lost=${report.lost.length}`);
    expect(await driver.counts(queue)).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: JOBS, dlq: 0 });
    expect(reclaimed).toHaveLength(1);
    expect(reclaimed[0]).toMatchObject({ status: 'done', reclaims: 1, attempts: 0 });
    expect(report.lost).toEqual([]);
    expect(report.notDone).toEqual([]);
    expect(report.unknownStarts).toBe(0);
    expect(report.startAfterAck).toEqual([]);
    expect(report.unexplainedRepeats).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
