import { MAX_ERROR_LENGTH, type RetryUpdate, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectRejectedUnchanged } from './assertions.js';
import { enqueueAndReserve, enqueueJob, refOf, reserveIds, retryUpdate } from './fixtures.js';
import { leaseRuleCases, retryOperation } from './lease-rules.js';
import type { Setup } from './setup.js';

export function retryCases(setup: Setup): void {
  describe('retry', () => {
    leaseRuleCases(setup, retryOperation);

    it('retry_records_attempts_last_error_and_failed_at_as_given', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const failedAt = h.clock.now() - 5;
      await h.clock.advance(100);
      await h.driver.retry(lease, { attempts: 7, lastError: 'timed out', failedAt }, h.clock.now());
      expect(await h.driver.inspect(refOf(lease))).toMatchObject({ attempts: 7, lastError: 'timed out', failedAt });
    });

    it('retry_without_last_error_records_none', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await h.driver.retry(lease, { attempts: 1, failedAt: h.clock.now() }, h.clock.now());
      const record = await h.driver.inspect(refOf(lease));
      expect(record).toMatchObject({ status: 'ready', attempts: 1, failedAt: h.clock.now() });
      expect(record?.lastError).toBeUndefined();
    });

    it('retry_clears_the_lease', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await h.driver.retry(lease, retryUpdate(h), h.clock.now());
      expect((await h.driver.inspect(refOf(lease)))?.lease).toBeUndefined();
    });

    it('retry_without_run_at_makes_the_job_ready_at_the_tail', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { job: { runAt: h.clock.now() } });
      const waiting = await enqueueJob(h);
      await h.driver.retry(lease, retryUpdate(h), h.clock.now());
      const record = await h.driver.inspect(refOf(lease));
      expect(record?.status).toBe('ready');
      expect(record?.runAt).toBeUndefined();
      expect(await reserveIds(h)).toEqual([waiting.id, lease.jobId]);
    });

    it('retry_with_future_run_at_schedules_the_job', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const runAt = h.clock.now() + 10_000;
      await h.driver.retry(lease, retryUpdate(h, { runAt }), h.clock.now());
      expect(await h.driver.inspect(refOf(lease))).toMatchObject({ status: 'scheduled', runAt });
      await h.clock.advanceTo(runAt - 1);
      expect(await reserveIds(h)).toEqual([]);
      await h.clock.advanceTo(runAt);
      expect(await reserveIds(h)).toEqual([lease.jobId]);
    });

    it('retry_with_due_run_at_makes_the_job_ready', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await h.driver.retry(lease, retryUpdate(h, { runAt: h.clock.now() }), h.clock.now());
      expect((await h.driver.inspect(refOf(lease)))?.status).toBe('ready');
      expect(await reserveIds(h)).toEqual([lease.jobId]);
    });

    it('retry_keeps_reclaims', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
      await h.clock.advanceTo(lease.expiresAt);
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: 1000, now: h.clock.now() });
      await h.driver.retry(jobs[0]?.lease ?? expect.fail('not reclaimed'), retryUpdate(h), h.clock.now());
      expect((await h.driver.inspect(refOf(lease)))?.reclaims).toBe(1);
    });

    it('retry_cuts_last_error_longer_than_64_kib', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const lastError = `start:${'x'.repeat(MAX_ERROR_LENGTH + 100)}`;
      await h.driver.retry(lease, retryUpdate(h, { lastError }), h.clock.now());
      const stored = (await h.driver.inspect(refOf(lease)))?.lastError ?? '';
      expect(stored.length).toBeLessThanOrEqual(MAX_ERROR_LENGTH);
      expect(stored.startsWith('start:xxxx')).toBe(true);
    });

    it('retry_rejects_negative_attempts', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const retry = () => h.driver.retry(lease, retryUpdate(h, { attempts: -1 }), h.clock.now());
      const error = await expectRejectedUnchanged(h, refOf(lease), retry, ValidationError);
      expect(error.field).toBe('attempts');
    });

    it('retry_rejects_an_invalid_last_error_or_failed_at', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const invalid: [field: string, update: RetryUpdate][] = [
        ['lastError', retryUpdate(h, { lastError: 42 as unknown as string })],
        ['failedAt', retryUpdate(h, { failedAt: -1 })],
        ['failedAt', retryUpdate(h, { failedAt: undefined as unknown as number })],
      ];
      for (const [field, update] of invalid) {
        const retry = () => h.driver.retry(lease, update, h.clock.now());
        expect((await expectRejectedUnchanged(h, refOf(lease), retry, ValidationError)).field).toBe(field);
      }
    });

    it('retry_rejects_fractional_run_at', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const retry = () => h.driver.retry(lease, retryUpdate(h, { runAt: h.clock.now() + 0.5 }), h.clock.now());
      const error = await expectRejectedUnchanged(h, refOf(lease), retry, ValidationError);
      expect(error.field).toBe('runAt');
    });
  });
}
