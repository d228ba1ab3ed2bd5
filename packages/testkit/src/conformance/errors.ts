import {
  DriverClosedError,
  InvalidLeaseDurationError,
  JobNotFoundError,
  JobNotInFlightError,
  type Lease,
  LeaseExpiredError,
  LeaseMismatchError,
  TaskHarborError,
  UnrecoverableError,
  ValidationError,
} from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { DOCUMENTED_CODES, expectError, expectRejectedUnchanged } from './assertions.js';
import { deadJob, enqueueAndReserve, failUpdate, forgedLease, LEASE_MS, newJob, refOf, retryUpdate } from './fixtures.js';
import { LEASE_OPERATIONS } from './lease-rules.js';
import type { Harness, Setup } from './setup.js';

type ClosedCall = (h: Harness, lease: Lease, dlqId: string) => Promise<unknown>;

/** Every method but close, called with input that would be valid on an open driver. */
const CALLS_AFTER_CLOSE: [name: string, call: ClosedCall][] = [
  ['enqueue', (h) => h.driver.enqueue(newJob(h.queue), h.clock.now())],
  ['enqueue_many', (h) => h.driver.enqueueMany([newJob(h.queue)], h.clock.now())],
  ['reserve', (h) => h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() })],
  ['extend_lease', (h, lease) => h.driver.extendLease(lease, LEASE_MS, h.clock.now())],
  ['ack', (h, lease) => h.driver.ack(lease, h.clock.now())],
  ['retry', (h, lease) => h.driver.retry(lease, retryUpdate(h), h.clock.now())],
  ['fail', (h, lease) => h.driver.fail(lease, failUpdate(h), h.clock.now())],
  ['release', (h, lease) => h.driver.release(lease, h.clock.now())],
  ['wait_for_work', (h) => h.driver.waitForWork({ queues: [h.queue], signal: new AbortController().signal })],
  ['inspect', (h, lease) => h.driver.inspect(refOf(lease))],
  ['list', (h) => h.driver.list({ queue: h.queue, limit: 10 })],
  ['requeue_dlq', (h, _lease, dlqId) => h.driver.requeueDlq({ queue: h.queue, id: dlqId }, { now: h.clock.now() })],
  ['counts', (h) => h.driver.counts(h.queue)],
  ['queues', (h) => h.driver.queues()],
];

export function errorsCases(setup: Setup): void {
  describe('errors', () => {
    it('every_typed_error_has_its_stable_code', () => {
      const examples: Error[] = [
        new LeaseMismatchError('job-1'),
        new LeaseExpiredError('job-1', 1000, 2000),
        new JobNotInFlightError('job-1', 'ready'),
        new InvalidLeaseDurationError(0),
        new ValidationError('queue', 'must not be empty'),
        new DriverClosedError('reserve'),
        new JobNotFoundError('default', 'job-1'),
        new UnrecoverableError('bad input'),
      ];
      for (const [type, code] of DOCUMENTED_CODES) {
        const matching = examples.filter((error) => error instanceof type);
        expect(matching, `exactly one example is a ${type.name}`).toHaveLength(1);
        expect(matching[0]).toBeInstanceOf(TaskHarborError);
        expect((matching[0] as TaskHarborError).code).toBe(code);
      }
    });

    for (const [name, call] of CALLS_AFTER_CLOSE) {
      it(`${name}_after_close_is_driver_closed`, async () => {
        const h = await setup();
        const { lease: dlqLease } = await deadJob(h);
        const { lease } = await enqueueAndReserve(h);
        await h.driver.close();
        await expectError(() => call(h, lease, dlqLease.jobId), DriverClosedError);
      });
    }

    it('close_is_idempotent', async () => {
      const h = await setup();
      await h.driver.close();
      await h.driver.close();
      await Promise.all([h.driver.close(), h.driver.close()]);
      await expectError(() => h.driver.counts(h.queue), DriverClosedError);
    });

    for (const op of LEASE_OPERATIONS) {
      it(`${op.name}_naming_an_unknown_job_is_job_not_found`, async () => {
        const h = await setup();
        await enqueueAndReserve(h);
        await expectError(() => op.call(h, forgedLease(h, newJob(h.queue).id)), JobNotFoundError);
      });
    }

    it('lease_naming_another_queue_is_job_not_found', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const elsewhere = { ...lease, queue: h.newQueue() };
      await expectRejectedUnchanged(h, refOf(lease), () => h.driver.ack(elsewhere, h.clock.now()), JobNotFoundError);
    });

    it('invalid_now_is_a_validation_error', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      for (const now of [-1, 1.5, Number.NaN]) {
        const enqueue = () => h.driver.enqueue(newJob(h.queue), now);
        expect((await expectError(enqueue, ValidationError)).field).toBe('now');
        const reserve = () => h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now });
        expect((await expectError(reserve, ValidationError)).field).toBe('now');
        await expectRejectedUnchanged(h, refOf(lease), () => h.driver.ack(lease, now), ValidationError);
      }
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 0, inflight: 1 });
    });
  });
}
