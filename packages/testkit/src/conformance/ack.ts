import { coreCounts } from './assertions.js';
import { describe, expect, it } from 'vitest';
import { enqueueAndReserve, refOf } from './fixtures.js';
import { ackOperation, leaseRuleCases } from './lease-rules.js';
import type { Setup } from './setup.js';

export function ackCases(setup: Setup): void {
  describe('ack', () => {
    leaseRuleCases(setup, ackOperation);

    it('ack_marks_the_job_done_with_finished_at_and_its_last_token', async () => {
      const h = await setup();
      const { lease, job } = await enqueueAndReserve(h);
      await h.clock.advance(250);
      await h.driver.ack(lease, h.clock.now());
      const record = await h.driver.inspect(refOf(lease));
      expect(record).toMatchObject({ id: job.id, status: 'done', finishedAt: h.clock.now(), attempts: 0 });
      expect(record?.lease).toEqual({ token: lease.token });
      expect(record?.dlqReason).toBeUndefined();
    });

    it('ack_removes_the_job_from_in_flight', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      await h.driver.ack(lease, h.clock.now());
      expect(await coreCounts(h, h.queue)).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 1, dlq: 0 });
      const result = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 1000, now: h.clock.now() });
      expect(result.nextDueAt).toBeUndefined();
    });
  });
}
