/**
 * Pausing a queue under load: two worker processes run 10,000 short jobs;
 * the test pauses the queue part-way. After pause returns, only jobs that
 * were already reserved may still start (at most one per slot); then
 * nothing starts at all, while the workers keep looking. After resume every
 * job finishes, each run once.
 */
import { type Admin, Client, type JobControl, requireJobControl } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import {
  baseWorkerConfig,
  checkDeliveries,
  FaultWorker,
  inspectAll,
  readStarts,
  SKIP_SHARED,
  sleep,
  TEST_TIMEOUT_MS,
  waitFor,
} from '../support/fault-harness.js';
import { useSharedFaultRedis } from '../support/fault-shared-redis.js';

const JOBS = 10_000;
const WORKERS = 2;
const CONCURRENCY = 16;
/** The fault worker's pollIntervalMs is 500: three times that gives an idle worker several looks. */
const QUIET_MS = 1_500;

describe.skipIf(SKIP_SHARED)('pause during a run across two worker processes', () => {
  const shared = useSharedFaultRedis('pause');
  const { prefix, startsKey } = shared;

  it(`pauses a ${JOBS}-job run: nothing starts after pause but what was reserved, all finish after resume`, async () => {
    const { url, redis, driver } = shared;
    const control: Admin & JobControl = requireJobControl(driver, 'pause a queue');
    const queue = 'faults';
    const client = new Client(driver);
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i += 1_000) {
      const batch = Array.from({ length: 1_000 }, (_, j) => ({ type: 'work', payload: { n: i + j }, options: { queue } }));
      for (const result of await client.enqueueMany(batch)) ids.push(result.id);
    }

    const config = baseWorkerConfig({ url, prefix, concurrency: CONCURRENCY, workMinMs: 1, workMaxMs: 4 });
    const workers = Array.from({ length: WORKERS }, () => new FaultWorker(config));
    await Promise.all(workers.map((worker) => worker.ready));
    await waitFor('a fifth of the jobs done', 60_000, async () => (await control.counts(queue)).done >= JOBS / 5, 20);

    await control.pause(queue);
    const pausedAt = Date.now();
    await waitFor('the running jobs finished', 10_000, async () => (await control.counts(queue)).inflight === 0, 20);
    const startsWhenQuiet = await redis.llen(startsKey);
    await sleep(QUIET_MS);
    const paused = await control.counts(queue);
    const startsAfterQuiet = await redis.llen(startsKey);
    const startsAfterPause = (await readStarts(redis, startsKey)).filter((start) => start.at > pausedAt).length;

    await control.resume(queue);
    await waitFor('every job done', 90_000, async () => (await control.counts(queue)).done === JOBS, 50);
    await Promise.all(workers.map((worker) => worker.stop()));
    console.info(
      `[job-control] pause: jobs=${JOBS} doneAtPause=${JOBS - paused.ready} startsAfterPause=${startsAfterPause} ` +
        `slots=${WORKERS * CONCURRENCY} startsWhilePausedAndQuiet=${startsAfterQuiet - startsWhenQuiet}`,
    );

    expect(paused.paused).toBe(true);
    expect(paused.inflight).toBe(0);
    expect(paused.ready).toBeGreaterThan(0);
    expect(startsAfterQuiet).toBe(startsWhenQuiet);
    // Only jobs reserved before the pause took effect: at most one reserve's worth per slot.
    expect(startsAfterPause).toBeLessThanOrEqual(WORKERS * CONCURRENCY);

    const counts = await control.counts(queue);
    expect(counts).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, dlq: 0, cancelled: 0, done: JOBS, paused: false });
    const report = checkDeliveries(ids, await inspectAll(driver, queue, ids), await readStarts(redis, startsKey), new Set());
    expect(report.lost).toEqual([]);
    expect(report.notDone).toEqual([]);
    expect(report.duplicated).toBe(0);
    expect(workers.flatMap((worker) => worker.events).filter((event) => event.event === 'error')).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
