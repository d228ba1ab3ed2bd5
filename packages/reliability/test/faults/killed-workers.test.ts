/**
 * Killed workers: worker processes work through a few thousand jobs while
 * the test SIGKILLs random ones and starts replacements. Nothing may be lost
 * or left behind, and the only repeated runs are those of killed processes.
 * The run is made twice: by workers that reserve only for free slots, and by
 * workers that hold prefetched jobs, which a kill leaves leased and unstarted
 * until their leases run out.
 */
import { Client } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import {
  baseWorkerConfig,
  checkDeliveries,
  FaultWorker,
  inspectAll,
  LARGE,
  readStarts,
  SKIP_SHARED,
  TEST_TIMEOUT_MS,
  waitFor,
} from '../support/fault-harness.js';
import { useSharedFaultRedis } from '../support/fault-shared-redis.js';

const JOBS = LARGE ? 20_000 : 2_000;
const WORKERS = 3;
const KILLS = LARGE ? 30 : 6;
/** Short, so reclaimed jobs come back quickly; 1.5 s leaves a busy 2-core CI machine room for three heartbeats. */
const LEASE_MS = 1500;

for (const prefetch of [0, 20]) {
  describe.skipIf(SKIP_SHARED)(`killed workers (SIGKILL mid-run, replacements started), prefetch ${prefetch}`, () => {
    const shared = useSharedFaultRedis(`kill${prefetch}`);
    const { prefix, startsKey } = shared;

    it(`runs ${JOBS} jobs on ${WORKERS} workers through ${KILLS} kills (${LEASE_MS} ms lease): none lost, repeats only by killed workers`, async () => {
      const { url, redis, driver } = shared;
      const began = Date.now();
      const queue = 'faults';
      const client = new Client(driver);
      const ids: string[] = [];
      for (let i = 0; i < JOBS; i += 500) {
        const batch = Array.from({ length: Math.min(500, JOBS - i) }, (_, j) => ({
          type: 'work',
          payload: { n: i + j },
          options: { queue },
        }));
        const results = await client.enqueueMany(batch);
        for (const result of results) ids.push(result.id);
      }
      expect(new Set(ids).size).toBe(JOBS);

      const config = baseWorkerConfig({
        url,
        prefix,
        leaseMs: LEASE_MS,
        concurrency: 4,
        prefetch,
        workMinMs: 20,
        workMaxMs: 40,
      });
      const workers = Array.from({ length: WORKERS }, () => new FaultWorker(config));
      await Promise.all(workers.map((worker) => worker.ready));

      const killed = new Set<number>();
      // Kill at evenly spaced points of progress, so the fault count does not depend on the machine's speed.
      const killAt = Array.from({ length: KILLS }, (_, k) => Math.floor(((k + 1) * JOBS) / (KILLS + 2)));
      await waitFor(
        'every job done',
        LARGE ? 600_000 : 90_000,
        async () => {
          const counts = await driver.counts(queue);
          while (killAt.length > 0 && counts.done >= (killAt[0] ?? Number.POSITIVE_INFINITY)) {
            killAt.shift();
            const candidates = workers.filter((worker) => worker.alive);
            const victim = candidates[Math.floor(Math.random() * candidates.length)];
            if (victim === undefined) break;
            killed.add(victim.pid);
            await victim.kill();
            workers.splice(workers.indexOf(victim), 1, new FaultWorker(config));
          }
          return counts.done === JOBS;
        },
        50,
      );
      const runMs = Date.now() - began;
      await Promise.all(workers.map((worker) => worker.stop()));

      const counts = await driver.counts(queue);
      expect(counts).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, done: JOBS, dlq: 0 });
      const records = await inspectAll(driver, queue, ids);
      const starts = await readStarts(redis, startsKey);
      const report = checkDeliveries(ids, records, starts, killed);
      const reclaimed = [...records.values()].filter((record) => (record?.reclaims ?? 0) > 0).length;
      console.info(
        `[faults] killed-workers: prefetch=${prefetch} jobs=${JOBS} workers=${WORKERS} kills=${killed.size} runMs=${runMs} ` +
          `starts=${starts.length} duplicatedJobs=${report.duplicated} extraStarts=${report.extraStarts} reclaimedJobs=${reclaimed} ` +
          `lost=${report.lost.length} notDone=${report.notDone.length} unexplainedRepeats=${report.unexplainedRepeats.length}`,
      );
      expect(killed.size).toBe(KILLS);
      expect(report.lost).toEqual([]);
      expect(report.notDone).toEqual([]);
      expect(report.unknownStarts).toBe(0);
      expect(report.ackWithoutStart).toEqual([]);
      expect(report.startAfterAck).toEqual([]);
      expect(report.unexplainedRepeats).toEqual([]);
    }, TEST_TIMEOUT_MS);
  });
}
