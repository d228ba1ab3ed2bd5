import { type Lease, LeaseMismatchError, METRICS_BUCKET_MS, METRICS_RETENTION_MS, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError } from './assertions.js';
import { enqueueJob, failUpdate, LEASE_MS, retryUpdate, WRONG_TOKEN } from './fixtures.js';
import { flow } from './flow-control-fixtures.js';
import { control } from './job-control-fixtures.js';
import { countsNow, countsOver, observe } from './observability-fixtures.js';
import type { Harness, Setup } from './setup.js';

const MINUTE = METRICS_BUCKET_MS;

/** The start of the clock's current minute. */
function minuteNow(h: Harness): number {
  return h.clock.now() - (h.clock.now() % MINUTE);
}

/** Enqueues `count` jobs into the queue and reserves them all; returns their leases. */
async function leasesFor(h: Harness, count: number, queue = h.queue): Promise<Lease[]> {
  for (let i = 0; i < count; i++) await enqueueJob(h, { queue });
  const { jobs } = await h.driver.reserve({ queue, limit: count, leaseMs: LEASE_MS, now: h.clock.now() });
  expect(jobs).toHaveLength(count);
  return jobs.map((reserved) => reserved.lease);
}

/** One acked run in the queue at the clock's now. */
async function ackOne(h: Harness, queue = h.queue): Promise<void> {
  const [lease] = await leasesFor(h, 1, queue);
  await h.driver.ack(lease as Lease, h.clock.now());
}

export function observabilityMetricsCases(setup: Setup, options: { jobControl: boolean; flowControl: boolean }): void {
  describe('observability: metrics', () => {
    it('ack_counts_a_completed_run_in_the_minute_of_its_now', async () => {
      const h = await setup();
      const start = minuteNow(h);
      await h.clock.advanceTo(start + 30_000);
      await ackOne(h);
      const points = await observe(h).metrics(h.queue, { from: start, to: start + 2 * MINUTE });
      expect(points).toEqual([
        { minute: start, completed: 1, failed: 0, dead: 0 },
        { minute: start + MINUTE, completed: 0, failed: 0, dead: 0 },
      ]);
    });

    it('retry_counts_a_failed_run_and_fail_a_failed_and_dead_one', async () => {
      const h = await setup();
      const [retried, failed] = await leasesFor(h, 2);
      await h.driver.retry(retried as Lease, retryUpdate(h, { runAt: h.clock.now() + 60_000 }), h.clock.now());
      expect(await countsNow(h)).toEqual([0, 1, 0]);
      await h.driver.fail(failed as Lease, failUpdate(h), h.clock.now());
      expect(await countsNow(h)).toEqual([0, 2, 1]);
    });

    it('release_reclaim_snooze_and_hold_back_count_nothing', async () => {
      const h = await setup();
      const [released] = await leasesFor(h, 1);
      await h.driver.release(released as Lease, h.clock.now());
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 1000, now: h.clock.now() });
      await h.clock.advance(1000);
      const reclaimed = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(reclaimed.jobs.map((reserved) => reserved.job.id)).toEqual([jobs[0]?.job.id]);
      if (options.flowControl) {
        await flow(h).snooze(reclaimed.jobs[0]?.lease as Lease, h.clock.now(), h.clock.now());
        const [held] = (await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() })).jobs;
        await flow(h).holdBack(held?.lease as Lease, h.clock.now() + 1000, h.clock.now());
      }
      const from = h.clock.now() - 2 * MINUTE;
      expect(await countsOver(h, { from, to: h.clock.now() + 1 })).toEqual([
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]);
    });

    it('a_repeated_ack_or_fail_counts_once', async () => {
      const h = await setup();
      const [acked, failed] = await leasesFor(h, 2);
      await h.driver.ack(acked as Lease, h.clock.now());
      await h.driver.ack(acked as Lease, h.clock.now());
      await h.driver.fail(failed as Lease, failUpdate(h), h.clock.now());
      await h.driver.fail(failed as Lease, failUpdate(h), h.clock.now());
      expect(await countsNow(h)).toEqual([1, 1, 1]);
    });

    it('a_refused_outcome_counts_nothing', async () => {
      const h = await setup();
      const [lease] = await leasesFor(h, 1);
      const wrong = { ...(lease as Lease), token: WRONG_TOKEN };
      await expectError(() => h.driver.ack(wrong, h.clock.now()), LeaseMismatchError);
      await expectError(() => h.driver.retry(wrong, retryUpdate(h), h.clock.now()), LeaseMismatchError);
      await expectError(() => h.driver.fail(wrong, failUpdate(h), h.clock.now()), LeaseMismatchError);
      await expectError(() => h.driver.fail(lease as Lease, { ...failUpdate(h), reason: 7 as never }, h.clock.now()), ValidationError);
      expect(await countsNow(h)).toEqual([0, 0, 0]);
    });

    it('ack_many_counts_each_ack_that_succeeds', async () => {
      const h = await setup();
      if (typeof h.driver.ackMany !== 'function') return;
      const leases = await leasesFor(h, 3);
      const wrong = { ...(leases[2] as Lease), token: WRONG_TOKEN };
      const outcomes = await h.driver.ackMany([leases[0] as Lease, leases[1] as Lease, wrong], h.clock.now());
      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, false]);
      expect(await countsNow(h)).toEqual([2, 0, 0]);
    });

    if (options.jobControl) {
      it('an_outcome_that_finishes_a_cancel_requested_job_counts_no_completion_or_dead_letter', async () => {
        const h = await setup();
        const leases = await leasesFor(h, 3);
        for (const lease of leases) await control(h).cancel({ queue: h.queue, id: lease.jobId }, { now: h.clock.now() });
        await h.driver.ack(leases[0] as Lease, h.clock.now());
        expect(await countsNow(h)).toEqual([0, 0, 0]);
        // A failure is still recorded on the job, so it counts as a failed run; the job ends cancelled, not dead.
        await h.driver.retry(leases[1] as Lease, retryUpdate(h), h.clock.now());
        await h.driver.fail(leases[2] as Lease, failUpdate(h), h.clock.now());
        expect(await countsNow(h)).toEqual([0, 2, 0]);
        expect((await h.driver.counts(h.queue)).cancelled).toBe(3);
      });
    }

    it('counts_are_kept_per_queue', async () => {
      const h = await setup();
      const other = h.newQueue();
      await ackOne(h);
      await ackOne(h);
      const [lease] = await leasesFor(h, 1, other);
      await h.driver.fail(lease as Lease, failUpdate(h), h.clock.now());
      expect(await countsNow(h)).toEqual([2, 0, 0]);
      expect(await countsNow(h, other)).toEqual([0, 1, 1]);
      expect(await countsNow(h, h.newQueue())).toEqual([0, 0, 0]);
    });

    it('the_range_is_whole_minutes_from_the_minute_of_from_to_before_to_with_zeros', async () => {
      const h = await setup();
      const start = minuteNow(h);
      await h.clock.advanceTo(start + 10_000);
      await ackOne(h);
      await h.clock.advanceTo(start + 2 * MINUTE + 59_999);
      await ackOne(h);
      const points = await observe(h).metrics(h.queue, { from: start + 30_000, to: start + 3 * MINUTE + 1 });
      expect(points.map((point) => point.minute)).toEqual([start, start + MINUTE, start + 2 * MINUTE, start + 3 * MINUTE]);
      expect(points.map((point) => point.completed)).toEqual([1, 0, 1, 0]);
      expect(await countsOver(h, { from: start, to: start + 2 * MINUTE })).toEqual([
        [1, 0, 0],
        [0, 0, 0],
      ]);
      expect(await countsOver(h, { from: start + MINUTE, to: start + MINUTE + 1 })).toEqual([[0, 0, 0]]);
    });

    it('counts_within_the_retention_are_kept', async () => {
      const h = await setup();
      const start = minuteNow(h);
      await ackOne(h);
      await h.clock.advanceTo(start + METRICS_RETENTION_MS - MINUTE);
      await ackOne(h);
      const points = await countsOver(h, { from: start, to: start + METRICS_RETENTION_MS });
      expect(points).toHaveLength(METRICS_RETENTION_MS / MINUTE);
      expect(points[0]).toEqual([1, 0, 0]);
      expect(points[points.length - 1]).toEqual([1, 0, 0]);
      expect(points.reduce((sum, [completed]) => sum + completed, 0)).toBe(2);
    });

    it('metrics_refuses_a_bad_queue_or_range', async () => {
      const h = await setup();
      const t = h.clock.now();
      const bad: [string, unknown, unknown, string][] = [
        ['', t, t + MINUTE, 'queue'],
        [h.queue, t + 0.5, t + MINUTE, 'from'],
        [h.queue, -1, t, 'from'],
        [h.queue, t, 'later', 'to'],
        [h.queue, t, t, 'to'],
        [h.queue, t, t - MINUTE, 'to'],
        [h.queue, t, t + METRICS_RETENTION_MS + 1, 'to'],
      ];
      for (const [queue, from, to, field] of bad) {
        const error = await expectError(() => observe(h).metrics(queue, { from, to } as never), ValidationError);
        expect(error.field, `${String(from)}..${String(to)}`).toBe(field);
      }
      await expectError(() => observe(h).metrics(h.queue, undefined as never), ValidationError);
      expect(await countsOver(h, { from: t, to: t + METRICS_RETENTION_MS })).toHaveLength(METRICS_RETENTION_MS / MINUTE);
    });
  });
}
