import { coreCounts } from './assertions.js';
import { describe, expect, it } from 'vitest';
import { LEASE_MS, newJob } from './fixtures.js';
import type { Setup } from './setup.js';

export function e2eCases(setup: Setup): void {
  describe('e2e', () => {
    it('enqueue_reserve_ack_then_inspect_shows_done', async () => {
      const h = await setup();
      const job = newJob(h.queue, { createdAt: h.clock.now() });
      expect(await h.driver.enqueue(job, h.clock.now())).toEqual({ id: job.id, existed: false });
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(jobs.map((r) => r.job.id)).toEqual([job.id]);
      await h.clock.advance(1500);
      await h.driver.ack(jobs[0]?.lease ?? expect.fail('not reserved'), h.clock.now());
      expect(await h.driver.inspect({ queue: h.queue, id: job.id })).toMatchObject({
        ...job,
        status: 'done',
        attempts: 0,
        reclaims: 0,
        finishedAt: h.clock.now(),
      });
      expect(await coreCounts(h, h.queue)).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 1, dlq: 0 });
    });

    it('retry_then_fail_then_requeue_then_ack_ends_done', async () => {
      const h = await setup();
      const job = newJob(h.queue, { createdAt: h.clock.now(), maxAttempts: 2 });
      await h.driver.enqueue(job, h.clock.now());
      const reserve = async () => {
        const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
        return jobs[0] ?? expect.fail(`job ${job.id} should be reservable at ${h.clock.now()}`);
      };
      const first = await reserve();
      await h.driver.retry(first.lease, { attempts: 1, lastError: 'e1', failedAt: h.clock.now(), runAt: h.clock.now() + 1000 }, h.clock.now());
      await h.clock.advance(1000);
      const second = await reserve();
      expect(second.job).toMatchObject({ attempts: 1, lastError: 'e1' });
      await h.driver.fail(second.lease, { attempts: 2, lastError: 'e2', failedAt: h.clock.now(), reason: 'out of attempts' }, h.clock.now());
      await h.driver.requeueDlq({ queue: h.queue, id: job.id }, { resetAttempts: true, now: h.clock.now() });
      const third = await reserve();
      expect(third.job.attempts).toBe(0);
      await h.driver.ack(third.lease, h.clock.now());
      expect(await coreCounts(h, h.queue)).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 1, dlq: 0 });
    });
  });
}
