import { type Lease, MAX_PRIORITY, MIN_PRIORITY, type NewJobRecord, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError } from './assertions.js';
import { enqueueAndReserve, enqueueJob, failUpdate, LEASE_MS, newJob, refOf, reserveIds, retryUpdate } from './fixtures.js';
import { enqueueAll, flow, reserveAt } from './flow-control-fixtures.js';
import { recordOf } from './job-control-fixtures.js';
import type { Setup } from './setup.js';

export function flowControlPriorityCases(setup: Setup): void {
  describe('flow control: priorities', () => {
    it('lower_priority_is_reserved_first_and_fifo_within_a_priority', async () => {
      const h = await setup();
      const [a5, b0, c5, d1, e0] = await enqueueAll(h, [{ priority: 5 }, {}, { priority: 5 }, { priority: 1 }, { priority: 0 }]);
      expect(await reserveIds(h, { limit: 1 })).toEqual([b0]);
      expect(await reserveIds(h)).toEqual([e0, d1, a5, c5]);
    });

    it('negative_priority_runs_before_the_default', async () => {
      const h = await setup();
      const [plain, urgent, most] = await enqueueAll(h, [{}, { priority: -10 }, { priority: MIN_PRIORITY }]);
      expect(await reserveIds(h)).toEqual([most, urgent, plain]);
    });

    it('a_released_job_goes_to_the_head_of_its_priority', async () => {
      const h = await setup();
      const [a, b, c] = await enqueueAll(h, [{}, { priority: 1 }, { priority: 1 }]);
      const first = await reserveAt(h, { limit: 2 });
      expect(first.ids).toEqual([a, b]);
      await h.driver.release(first.leases[1] as Lease, h.clock.now());
      const d = (await enqueueJob(h)).id;
      expect(await reserveIds(h)).toEqual([d, b, c]);
    });

    it('a_retried_job_keeps_its_priority_and_joins_its_tail', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { job: { priority: 1 } });
      const [b, z] = await enqueueAll(h, [{ priority: 1 }, { priority: 2 }]);
      await h.driver.retry(lease, retryUpdate(h), h.clock.now());
      expect((await recordOf(h, refOf(lease))).priority).toBe(1);
      expect(await reserveIds(h)).toEqual([b, lease.jobId, z]);
    });

    it('a_reclaimed_job_keeps_its_priority', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000, job: { priority: 1 } });
      const [b, z, c] = await enqueueAll(h, [{ priority: 1 }, { priority: 2 }, {}]);
      await h.clock.advanceTo(lease.expiresAt);
      expect(await reserveIds(h)).toEqual([c, b, lease.jobId, z]);
      expect((await recordOf(h, refOf(lease))).priority).toBe(1);
    });

    it('a_due_scheduled_job_joins_its_priority_in_order', async () => {
      const h = await setup();
      const t = h.clock.now();
      const [s1, b, z, s0] = await enqueueAll(h, [
        { priority: 1, runAt: t + 1000 },
        { priority: 1 },
        { priority: 2 },
        { runAt: t + 500 },
      ]);
      await h.clock.advance(1000);
      expect(await reserveIds(h)).toEqual([s0, b, s1, z]);
    });

    it('a_requeued_dead_letter_keeps_its_priority_and_group', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { job: { priority: 3, group: 'g' } });
      await h.driver.fail(lease, failUpdate(h), h.clock.now());
      const [y, w] = await enqueueAll(h, [
        { priority: 3, group: 'g' },
        { priority: 4, group: 'g' },
      ]);
      await h.driver.requeueDlq(refOf(lease), { now: h.clock.now() });
      const record = await recordOf(h, refOf(lease));
      expect(record).toMatchObject({ status: 'ready', priority: 3, group: 'g' });
      expect(await reserveIds(h)).toEqual([y, lease.jobId, w]);
    });

    it('inspect_and_list_show_priority_and_group_and_store_no_priority_for_0', async () => {
      const h = await setup();
      const a = await enqueueJob(h, { priority: 0, group: 'tenant-1' });
      const b = await enqueueJob(h, { priority: -3 });
      const recordA = await recordOf(h, { queue: h.queue, id: a.id });
      expect(recordA.group).toBe('tenant-1');
      expect('priority' in recordA).toBe(false);
      const recordB = await recordOf(h, { queue: h.queue, id: b.id });
      expect(recordB.priority).toBe(-3);
      expect('group' in recordB).toBe(false);
      const listed = (await h.driver.list({ queue: h.queue, limit: 10 })).jobs;
      expect(listed.map((job) => [job.id, job.priority, job.group])).toEqual([
        [a.id, undefined, 'tenant-1'],
        [b.id, -3, undefined],
      ]);
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 2, leaseMs: LEASE_MS, now: h.clock.now() });
      // tenant-1 got work first, so its turn comes first; the jobs without a group follow.
      expect(jobs.map((reserved) => [reserved.job.priority, reserved.job.group])).toEqual([
        [undefined, 'tenant-1'],
        [-3, undefined],
      ]);
    });

    it('enqueue_refuses_a_bad_priority_or_group_and_stores_nothing', async () => {
      const h = await setup();
      flow(h);
      const bad: Partial<NewJobRecord>[] = [
        { priority: 1.5 },
        { priority: MAX_PRIORITY + 1 },
        { priority: MIN_PRIORITY - 1 },
        { priority: Number.NaN },
        { priority: '1' as unknown as number },
        { group: '' },
        { group: 'a b' },
        { group: '{g}' },
        { group: 'x'.repeat(257) },
        { group: 7 as unknown as string },
      ];
      for (const overrides of bad) {
        const job = newJob(h.queue, { createdAt: h.clock.now(), ...overrides });
        const error = await expectError(() => h.driver.enqueue(job, h.clock.now()), ValidationError);
        expect(error.field).toBe('priority' in overrides ? 'priority' : 'group');
      }
      const many = [newJob(h.queue, { priority: 2 }), newJob(h.queue, { group: 'a\nb' })];
      await expectError(() => h.driver.enqueueMany(many, h.clock.now()), ValidationError);
      expect((await h.driver.counts(h.queue)).ready).toBe(0);
      expect((await h.driver.list({ queue: h.queue, limit: 10 })).jobs).toEqual([]);
    });
  });
}
