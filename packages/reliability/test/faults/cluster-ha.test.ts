/**
 * A Redis Cluster with replicas (three masters, one replica each, child
 * redis-server processes on free loopback ports, stopped by PID), six queues
 * (two per master) and two worker processes that serve all six:
 *
 * - a silent shard: one master is SIGSTOPped for 10 s, then SIGCONTed. The
 *   queues on the other masters must keep completing jobs (target: at least
 *   80% of their rate before), and the silent queues resume after SIGCONT;
 * - a hard failover: one master is SIGKILLed with a short
 *   cluster-node-timeout, its replica is promoted, and the workers carry on
 *   without a restart while a producer keeps enqueueing.
 *
 * Every figure is printed as a `[faults]` line; docs/reliability.md quotes
 * them. The start log and the test's own checks use the shared Redis.
 */
import type { JobRecord } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCluster } from '../support/fault-cluster.js';
import {
  completedTwice,
  completionRate,
  completions,
  errorSummary,
  fillQueues,
  firstCompletionAfter,
  Producer,
  repeatedIds,
  repeatReasons,
  waitQueuesDrained,
} from '../support/fault-ha.js';
import {
  baseWorkerConfig,
  checkDeliveries,
  deleteKeys,
  FaultWorker,
  inspectAll,
  KEEP_DONE_JOBS,
  killAllWorkers,
  LARGE,
  openShared,
  readStarts,
  REQUIRE_REDIS,
  requireSharedRedisUrl,
  SKIP_SHARED,
  sleep,
  startsKeyOf,
  TEST_TIMEOUT_MS,
  uniqueName,
} from '../support/fault-harness.js';
import { HAVE_REDIS_SERVER } from '../support/fault-redis-server.js';

const SKIP = SKIP_SHARED || (!HAVE_REDIS_SERVER && !REQUIRE_REDIS);
const STALL_MS = 10_000;

/** Picks queue names until every master holds `perMaster` of them. */
async function queuesByMaster(cluster: FaultCluster, tag: string, perMaster: number): Promise<Map<number, string[]>> {
  const masters = await cluster.masterPorts();
  const byMaster = new Map<number, string[]>(masters.map((port) => [port, []]));
  for (let i = 0; [...byMaster.values()].some((queues) => queues.length < perMaster); i++) {
    const queue = `${tag}-${i}`;
    const list = byMaster.get(await cluster.masterOf(queue));
    if (list !== undefined && list.length < perMaster) list.push(queue);
    if (i > 200) throw new Error('could not spread queues over the masters');
  }
  return byMaster;
}

/** inspect for ids of several queues. */
async function inspectByQueue(driver: RedisDriver, ids: ReadonlyMap<string, string>): Promise<Map<string, JobRecord | undefined>> {
  const byQueue = new Map<string, string[]>();
  for (const [id, queue] of ids) byQueue.set(queue, [...(byQueue.get(queue) ?? []), id]);
  const records = new Map<string, JobRecord | undefined>();
  for (const [queue, list] of byQueue) for (const [id, record] of await inspectAll(driver, queue, list)) records.set(id, record);
  return records;
}

describe.skipIf(SKIP)('Redis Cluster with replicas: a silent shard and a hard failover', () => {
  let cluster: FaultCluster | undefined;
  let shared: Redis | undefined;
  const prefixes: string[] = [];
  const local = (): FaultCluster => cluster ?? expect.fail('the cluster starts in beforeAll');

  beforeAll(() => {
    shared = openShared(requireSharedRedisUrl());
  });

  /** A fresh cluster per scenario: each one kills or stops a master. */
  async function freshCluster(nodeTimeoutMs: number): Promise<void> {
    await cluster?.destroy();
    cluster = await FaultCluster.start(3, nodeTimeoutMs);
  }

  afterAll(async () => {
    await killAllWorkers();
    await cluster?.destroy();
    if (shared !== undefined) {
      for (const prefix of prefixes) await deleteKeys(shared, `${prefix}:*`);
      shared.disconnect();
    }
  });

  async function startWorkers(
    prefix: string,
    queues: string[],
    leaseMs: number,
    workMs: [number, number],
    replicas?: { count: number; timeoutMs: number },
  ): Promise<FaultWorker[]> {
    const config = baseWorkerConfig({
      url: requireSharedRedisUrl(),
      prefix,
      clusterNodes: local().startupNodes,
      queues,
      leaseMs,
      concurrency: 8,
      workMinMs: workMs[0],
      workMaxMs: workMs[1],
      ...(replicas ? { replicas } : {}),
    });
    const workers = [new FaultWorker(config), new FaultWorker(config)];
    await Promise.all(workers.map((worker) => worker.ready));
    return workers;
  }

  it('a silent master (SIGSTOP 10 s) stalls only its own queues; the others keep their rate', async () => {
    // A node timeout far above the stall: stopping a master for 10 s must not fail it over.
    await freshCluster(30_000);
    const prefix = uniqueName('cluster-silent');
    prefixes.push(prefix);
    const byMaster = await queuesByMaster(local(), 'silent', 2);
    const queues = [...byMaster.values()].flat();
    const [stoppedPort, stalledQueues] = [...byMaster][0] as [number, string[]];
    const stalled = new Set(stalledQueues);
    const healthy = new Set(queues.filter((queue) => !stalled.has(queue)));
    const driver = await RedisDriver.connectCluster({ nodes: local().startupNodes, keyPrefix: prefix, retention: KEEP_DONE_JOBS });
    try {
      const perQueue = LARGE ? 6_000 : 1_500;
      const ids = await fillQueues(driver, queues, perQueue);
      // The lease outlives the stall (and a beat), so no lease of a silent queue runs out meanwhile.
      const workers = await startWorkers(prefix, queues, 20_000, [30, 50]);
      await sleep(1_000);
      const beforeFrom = Date.now();
      await sleep(4_000);
      const stoppedAt = Date.now();
      local().pause(stoppedPort);
      await sleep(STALL_MS);
      const resumedAt = Date.now();
      local().resume(stoppedPort);
      await waitQueuesDrained(driver, queues, LARGE ? 600_000 : 90_000);
      const drainedAt = Date.now();
      await Promise.all(workers.map((worker) => worker.stop()));

      const events = completions(workers);
      const before = completionRate(events, healthy, beforeFrom, stoppedAt);
      const during = completionRate(events, healthy, stoppedAt, resumedAt);
      const stalledDuring = events.filter((event) => event.at >= stoppedAt + 500 && event.at < resumedAt && stalled.has(event.queue ?? '')).length;
      const resumedAfterMs = (firstCompletionAfter(events, stalled, resumedAt) ?? Number.NaN) - resumedAt;
      const records = await inspectByQueue(driver, ids);
      const starts = await readStarts(shared as Redis, startsKeyOf(prefix));
      const report = checkDeliveries([...ids.keys()], records, starts, new Set());
      const reclaimed = [...records.values()].filter((record) => (record?.reclaims ?? 0) > 0).length;
      const figures = {
        jobs: ids.size,
        healthyPerSecondBefore: Math.round(before),
        healthyPerSecondDuringStall: Math.round(during),
        ratio: Number((during / before).toFixed(2)),
        stalledQueueCompletionsDuringStall: stalledDuring,
        stalledQueuesCompleteAgainAfterMs: resumedAfterMs,
        drainMsAfterResume: drainedAt - resumedAt,
        lost: report.lost.length,
        notDone: report.notDone.length,
        ranTwice: report.duplicated,
        ranTwiceWhy: repeatReasons(workers, repeatedIds(starts)),
        reclaimed,
        workerErrors: errorSummary(workers),
      };
      console.info(`[faults] cluster silent shard: ${JSON.stringify(figures)}`);
      expect(report.lost).toEqual([]);
      expect(report.notDone).toEqual([]);
      expect(report.ackWithoutStart).toEqual([]);
      expect(stalledDuring).toBe(0);
      expect(during / before).toBeGreaterThanOrEqual(0.8);
      expect(workers.every((worker) => worker.alive === false)).toBe(true);
    } finally {
      await killAllWorkers();
      local().resume(stoppedPort);
      await driver.close();
    }
  }, TEST_TIMEOUT_MS);

  async function hardFailover(replicas: { count: number; timeoutMs: number } | undefined) {
    await freshCluster(1_500);
    const prefix = uniqueName('cluster-kill');
    prefixes.push(prefix);
    const byMaster = await queuesByMaster(local(), 'kill', 2);
    const queues = [...byMaster.values()].flat();
    const [killedPort, movedQueues] = [...byMaster][0] as [number, string[]];
    const moved = new Set(movedQueues);
    const driver = await RedisDriver.connectCluster({
      nodes: local().startupNodes,
      keyPrefix: prefix,
      retention: KEEP_DONE_JOBS,
      ...(replicas ? { replicas } : {}),
    });
    try {
      const initial = await fillQueues(driver, queues, LARGE ? 3_000 : 600);
      const workers = await startWorkers(prefix, queues, 2_000, [10, 20], replicas);
      const producer = new Producer(driver, queues, `${prefix}-p`);
      await sleep(2_000);
      const killedAt = Date.now();
      await local().kill(killedPort);
      await local().waitHealthy(30_000);
      const promotedAt = Date.now();
      // The failed node comes back and rejoins as the new master's replica (with `replicas: 1`,
      // writes to that shard cannot be acknowledged until it has one again).
      await local().restart(killedPort);
      await local().waitReplicasOnline(30_000);
      const replicaBackAt = Date.now();
      await sleep(1_000);
      await producer.stop();
      await waitQueuesDrained(driver, queues, LARGE ? 600_000 : 90_000);
      const alive = workers.every((worker) => worker.alive);
      await Promise.all(workers.map((worker) => worker.stop()));

      const acknowledged = new Map([...initial, ...producer.acknowledged]);
      const records = await inspectByQueue(driver, acknowledged);
      const lostAcknowledged = [...acknowledged.keys()].filter((id) => records.get(id) === undefined);
      const stored = new Map([...acknowledged].filter(([id]) => records.get(id) !== undefined));
      const starts = await readStarts(shared as Redis, startsKeyOf(prefix));
      const report = checkDeliveries([...stored.keys()], records, starts, new Set());
      const events = completions(workers);
      const figures = {
        replicas: replicas ?? 'off',
        jobs: acknowledged.size,
        enqueuesUnknown: producer.unknown.size,
        lostAcknowledgedEnqueues: lostAcknowledged.length,
        notDone: report.notDone.length,
        ranTwice: report.duplicated,
        ranTwiceWhy: repeatReasons(workers, repeatedIds(starts)),
        acknowledgedDoneThenRanAgain: completedTwice(events).length,
        promotionMs: promotedAt - killedAt,
        replicaBackAfterPromotionMs: replicaBackAt - promotedAt,
        movedQueuesCompleteAgainAfterKillMs: (firstCompletionAfter(events, moved, promotedAt) ?? Number.NaN) - killedAt,
        movedQueuesCompleteAgainAfterPromotionMs: (firstCompletionAfter(events, moved, promotedAt) ?? Number.NaN) - promotedAt,
        workerErrors: errorSummary(workers),
      };
      console.info(`[faults] cluster hard failover: ${JSON.stringify(figures)}`);
      expect(alive).toBe(true);
      expect(report.notDone).toEqual([]);
      expect(report.ackWithoutStart).toEqual([]);
      expect(firstCompletionAfter(events, moved, promotedAt)).toBeDefined();
      return figures;
    } finally {
      await killAllWorkers();
      await driver.close();
    }
  }

  // Without replicated acknowledgment an enqueue or ack the dead master acknowledged but had not yet
  // sent to its replica is lost; on loopback that window is short, so the figure is often 0.
  // The killed node is started again after the promotion in both runs and rejoins as a replica.
  it('a master SIGKILLed mid-run: its replica takes over and the workers carry on without a restart', async () => {
    await hardFailover(undefined);
  }, TEST_TIMEOUT_MS);

  it('the same with replicated acknowledgment (replicas: 1): nothing acknowledged is lost', async () => {
    // 3 s rather than the 500 ms an app might choose: on a loaded 2-core CI machine a healthy replica can lag past 500 ms.
    const figures = await hardFailover({ count: 1, timeoutMs: 3_000 });
    expect(figures.lostAcknowledgedEnqueues).toBe(0);
    expect(figures.acknowledgedDoneThenRanAgain).toBe(0);
  }, TEST_TIMEOUT_MS);
});
