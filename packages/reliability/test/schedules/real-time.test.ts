/**
 * A schedule in real time on Redis: two worker processes serve its queue,
 * `everyMs: 200`, for 5 s, and no scheduler process runs. Every tick from
 * the first to the last must run exactly once: no tick twice (two
 * processes racing for it), none skipped. catchUp 'all', so a tick a busy
 * machine picks up late is still run (the policies themselves are tested on
 * the fake clock in packages/worker).
 */
import { Client, occurrenceJobId } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { baseWorkerConfig, FaultWorker, inspectAll, readStarts, SKIP_SHARED, sleep, TEST_TIMEOUT_MS, waitFor } from '../support/fault-harness.js';
import { useSharedFaultRedis } from '../support/fault-shared-redis.js';

const EVERY_MS = 200;
const RUN_MS = 5_000;
const WORKERS = 2;

describe.skipIf(SKIP_SHARED)('a schedule served by two worker processes in real time', () => {
  const shared = useSharedFaultRedis('schedule');

  it(`runs every tick of everyMs ${EVERY_MS} once over ${RUN_MS} ms with ${WORKERS} processes`, async () => {
    const { url, prefix, redis, driver, startsKey } = shared;
    const queue = 'ticks';
    const name = `every-${EVERY_MS}ms`;
    // A lease far longer than a run, so no run is taken over and started again.
    const config = baseWorkerConfig({ url, prefix, queue, leaseMs: 10_000, concurrency: 4, workMinMs: 1, workMaxMs: 5 });
    const workers = Array.from({ length: WORKERS }, () => new FaultWorker(config));
    await Promise.all(workers.map((worker) => worker.ready));

    const client = new Client(driver);
    const { nextRunAt: first } = await client.schedule(name, { everyMs: EVERY_MS, type: 'work', queue, catchUp: 'all' });
    if (first === undefined) return expect.fail('an interval schedule has a next tick');
    await sleep(RUN_MS);
    expect(await client.unschedule(name)).toBe(true);
    await waitFor('the last ticks to finish', 30_000, async () => {
      const counts = await driver.counts(queue);
      return counts.ready + counts.scheduled + counts.inflight === 0;
    });
    await Promise.all(workers.map((worker) => worker.stop()));

    const starts = (await readStarts(redis, startsKey)).filter((start) => start.id.startsWith(`${name}@`));
    const last = Math.max(...starts.map((start) => Date.parse(start.id.slice(name.length + 1))));
    const expected = Array.from({ length: (last - first) / EVERY_MS + 1 }, (_, i) => occurrenceJobId(name, first + i * EVERY_MS));
    const byPid = new Map<number, number>();
    for (const start of starts) byPid.set(start.pid, (byPid.get(start.pid) ?? 0) + 1);
    console.info(`[schedules] ticks=${expected.length} starts=${starts.length} perProcess=${JSON.stringify(Object.fromEntries(byPid))}`);

    // The cadence went on for the whole run (ticks run up to its end), each tick once, none left out.
    expect(expected.length).toBeGreaterThanOrEqual(RUN_MS / EVERY_MS - 2);
    expect(starts.map((start) => start.id).sort()).toEqual(expected);
    expect(starts.every((start) => start.attempt === 1 && start.reclaims === 0)).toBe(true);
    const records = await inspectAll(driver, queue, expected);
    expected.forEach((id, i) => {
      expect(records.get(id), id).toMatchObject({ status: 'done', schedule: name, scheduledFor: first + i * EVERY_MS });
    });
    expect(workers.flatMap((worker) => worker.events).filter((event) => event.event === 'error')).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
