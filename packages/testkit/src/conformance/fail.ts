import { type FailUpdate, MAX_ERROR_LENGTH, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectRejectedUnchanged, coreCounts } from './assertions.js';
import { enqueueAndReserve, failUpdate, refOf } from './fixtures.js';
import { failOperation, leaseRuleCases } from './lease-rules.js';
import type { Setup } from './setup.js';

export function failCases(setup: Setup): void {
  describe('fail', () => {
    leaseRuleCases(setup, failOperation);

    it('fail_moves_the_job_to_dlq_with_reason_time_and_last_token', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await h.clock.advance(100);
      await h.driver.fail(lease, failUpdate(h, { reason: 'handler kept failing' }), h.clock.now());
      const record = await h.driver.inspect(refOf(lease));
      expect(record).toMatchObject({ status: 'dlq', dlqReason: 'handler kept failing', dlqFailedAt: h.clock.now() });
      expect(record?.lease).toEqual({ token: lease.token });
      expect(record?.finishedAt).toBeUndefined();
      expect(await coreCounts(h, h.queue)).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 1 });
    });

    it('fail_records_attempts_last_error_and_failed_at_as_given', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const failedAt = h.clock.now() - 5;
      await h.driver.fail(lease, { attempts: 3, lastError: 'bad input', failedAt, reason: 'r' }, h.clock.now());
      expect(await h.driver.inspect(refOf(lease))).toMatchObject({ attempts: 3, lastError: 'bad input', failedAt });
    });

    it('fail_without_last_error_records_none', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await h.driver.fail(lease, { attempts: 1, failedAt: h.clock.now(), reason: 'r' }, h.clock.now());
      const record = await h.driver.inspect(refOf(lease));
      expect(record).toMatchObject({ status: 'dlq', attempts: 1, failedAt: h.clock.now(), dlqReason: 'r' });
      expect(record?.lastError).toBeUndefined();
    });

    it('fail_rejects_an_invalid_reason_last_error_or_failed_at', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const invalid: [field: string, update: FailUpdate][] = [
        ['reason', failUpdate(h, { reason: undefined as unknown as string })],
        ['reason', failUpdate(h, { reason: 42 as unknown as string })],
        ['lastError', failUpdate(h, { lastError: 42 as unknown as string })],
        ['failedAt', failUpdate(h, { failedAt: 1.5 })],
      ];
      for (const [field, update] of invalid) {
        const fail = () => h.driver.fail(lease, update, h.clock.now());
        expect((await expectRejectedUnchanged(h, refOf(lease), fail, ValidationError)).field).toBe(field);
      }
    });

    it('fail_cuts_reason_longer_than_64_kib', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const reason = `start:${'y'.repeat(MAX_ERROR_LENGTH + 100)}`;
      await h.driver.fail(lease, failUpdate(h, { reason }), h.clock.now());
      const stored = (await h.driver.inspect(refOf(lease)))?.dlqReason ?? '';
      expect(stored.length).toBeLessThanOrEqual(MAX_ERROR_LENGTH);
      expect(stored.startsWith('start:yyyy')).toBe(true);
    });

    it('fail_rejects_negative_attempts', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const fail = () => h.driver.fail(lease, failUpdate(h, { attempts: -1 }), h.clock.now());
      const error = await expectRejectedUnchanged(h, refOf(lease), fail, ValidationError);
      expect(error.field).toBe('attempts');
    });
  });
}
