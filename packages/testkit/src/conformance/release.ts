import { describe, expect, it } from 'vitest';
import { enqueueAndReserve, enqueueJob, LEASE_MS, refOf, reserveIds, retryUpdate } from './fixtures.js';
import { leaseRuleCases, releaseOperation } from './lease-rules.js';
import type { Setup } from './setup.js';

export function releaseCases(setup: Setup): void {
  describe('release', () => {
    leaseRuleCases(setup, releaseOperation);

    it('release_makes_the_job_ready_with_lease_and_run_at_cleared', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { job: { runAt: h.clock.now() } });
      await h.driver.release(lease, h.clock.now());
      const record = await h.driver.inspect(refOf(lease));
      expect(record).toMatchObject({ status: 'ready', reclaims: 0 });
      expect(record?.lease).toBeUndefined();
      expect(record?.runAt).toBeUndefined();
    });

    it('release_puts_the_job_at_the_head_of_the_ready_list', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const first = await enqueueJob(h);
      const second = await enqueueJob(h);
      await h.driver.release(lease, h.clock.now());
      expect(await reserveIds(h)).toEqual([lease.jobId, first.id, second.id]);
    });

    it('release_puts_the_job_at_the_head_of_a_long_ready_list', async () => {
      const h = await setup();
      const { lease: first } = await enqueueAndReserve(h);
      const waiting: string[] = [];
      let lease = first;
      // The ready list grows by one job per round, and the released job always goes back in front of it.
      for (let round = 0; round < 40; round++) {
        waiting.push((await enqueueJob(h)).id);
        await h.driver.release(lease, h.clock.now());
        const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
        expect(jobs.map((r) => r.job.id), `round ${round}`).toEqual([first.jobId]);
        lease = jobs[0]?.lease ?? lease;
      }
      await h.driver.release(lease, h.clock.now());
      expect(await reserveIds(h)).toEqual([first.jobId, ...waiting]);
    });

    it('release_keeps_attempts_unchanged', async () => {
      const h = await setup();
      const { lease: firstRun } = await enqueueAndReserve(h);
      await h.driver.retry(firstRun, retryUpdate(h, { attempts: 2, lastError: 'e' }), h.clock.now());
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 1000, now: h.clock.now() });
      await h.driver.release(jobs[0]?.lease ?? expect.fail('not reserved'), h.clock.now());
      expect(await h.driver.inspect(refOf(firstRun))).toMatchObject({ status: 'ready', attempts: 2, lastError: 'e' });
    });
  });
}
