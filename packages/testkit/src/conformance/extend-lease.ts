import { InvalidLeaseDurationError, type Lease } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectRejectedUnchanged } from './assertions.js';
import { enqueueAndReserve, enqueueJob, LEASE_MS, refOf, reserveIds } from './fixtures.js';
import { extendLeaseOperation, leaseRuleCases } from './lease-rules.js';
import type { Setup } from './setup.js';

const INVALID_LEASE_DURATIONS: [label: string, leaseMs: number][] = [
  ['zero', 0],
  ['negative', -1],
  ['fractional', 0.5],
  ['nan', Number.NaN],
  ['infinite', Number.POSITIVE_INFINITY],
];

export function extendLeaseCases(setup: Setup): void {
  describe('extendLease', () => {
    leaseRuleCases(setup, extendLeaseOperation);

    it('extend_lease_moves_expiry_to_now_plus_lease_ms_with_the_same_token', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      await h.clock.advance(600);
      const extended = await h.driver.extendLease(lease, 5000, h.clock.now());
      expect(extended).toEqual({ ...lease, expiresAt: h.clock.now() + 5000 });
      const record = await h.driver.inspect(refOf(lease));
      expect(record?.status).toBe('inflight');
      expect(record?.lease).toEqual({ token: lease.token, expiresAt: extended.expiresAt });
    });

    it('extended_lease_keeps_the_job_exclusive_until_the_new_expiry', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      const extended = await h.driver.extendLease(lease, 5000, h.clock.now());
      await h.clock.advanceTo(extended.expiresAt - 1);
      expect(await reserveIds(h)).toEqual([]);
      await h.clock.advanceTo(extended.expiresAt);
      expect(await reserveIds(h)).toEqual([lease.jobId]);
    });

    it('extended_lease_is_checked_by_its_stored_expiry_not_the_presented_one', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      await h.driver.extendLease(lease, 5000, h.clock.now());
      await h.clock.advanceTo(lease.expiresAt + 1000);
      await h.driver.ack(lease, h.clock.now());
      expect((await h.driver.inspect(refOf(lease)))?.status).toBe('done');
    });

    it('extended_leases_are_reclaimed_in_order_of_their_new_expiry', async () => {
      const h = await setup();
      const start = h.clock.now();
      for (let i = 0; i < 24; i++) await enqueueJob(h);
      const leases: Lease[] = [];
      for (let i = 0; i < 24; i++) {
        const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 10_000 + i * 100, now: start });
        leases.push(jobs[0]?.lease ?? expect.fail('a job should be ready'));
      }
      // New expiries from 1 s to 12.5 s: some leases move earlier, some later, several land on the same time.
      const extended: Lease[] = [];
      for (const [i, lease] of leases.entries()) {
        extended.push(await h.driver.extendLease(lease, 1000 + ((i * 7) % 12) * 1000 + (i % 2) * 500, start));
      }
      const byExpiry = [...extended].sort((a, b) => a.expiresAt - b.expiresAt || (a.jobId < b.jobId ? -1 : 1));
      const first = byExpiry[0] as Lease;
      const probe = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: start });
      expect(probe).toEqual({ jobs: [], nextDueAt: first.expiresAt });
      // Reserve every 500 ms: each round reclaims exactly the leases that ran out since the last.
      for (let by = start + 500; by <= start + 12_500; by += 500) {
        await h.clock.advanceTo(by);
        const expected = byExpiry.filter((lease) => lease.expiresAt > by - 500 && lease.expiresAt <= by);
        expect(await reserveIds(h), `at +${by - start} ms`).toEqual(expected.map((lease) => lease.jobId));
      }
    });

    it('extend_lease_does_not_change_attempts_or_reclaims', async () => {
      const h = await setup();
      const { lease, job } = await enqueueAndReserve(h);
      await h.driver.extendLease(lease, 5000, h.clock.now());
      expect(await h.driver.inspect(refOf(lease))).toMatchObject({ attempts: job.attempts, reclaims: job.reclaims });
    });

    for (const [label, leaseMs] of INVALID_LEASE_DURATIONS) {
      it(`extend_lease_rejects_${label}_lease_duration`, async () => {
        const h = await setup();
        const { lease } = await enqueueAndReserve(h);
        const extend = () => h.driver.extendLease(lease, leaseMs, h.clock.now());
        await expectRejectedUnchanged(h, refOf(lease), extend, InvalidLeaseDurationError);
      });
    }
  });
}
