import {
  InvalidJobStateError,
  JobCancelledError,
  ScheduleNotFoundError,
  UnsupportedOperationError,
  WaitTimeoutError,
  DriverClosedError,
  type FailUpdate,
  InvalidLeaseDurationError,
  JobNotFoundError,
  JobNotInFlightError,
  type JobRef,
  type Lease,
  LeaseExpiredError,
  LeaseMismatchError,
  type ListRequest,
  type NewJobRecord,
  type RequeueOptions,
  type ReserveRequest,
  type RetryUpdate,
  TaskHarborError,
  UnrecoverableError,
  ValidationError,
  type WaitForWorkRequest,
} from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { DOCUMENTED_CODES, expectError, expectRejectedUnchanged, coreCounts } from './assertions.js';
import { deadJob, enqueueAndReserve, failUpdate, forgedLease, LEASE_MS, newJob, refOf, retryUpdate } from './fixtures.js';
import { LEASE_OPERATIONS } from './lease-rules.js';
import type { Harness, Setup } from './setup.js';

type ClosedCall = (h: Harness, lease: Lease, dlqId: string) => Promise<unknown>;

/** Every method but close, called with input that would be valid on an open driver: case name, method name, call. */
const CALLS_AFTER_CLOSE: [name: string, method: string, call: ClosedCall][] = [
  ['enqueue', 'enqueue', (h) => h.driver.enqueue(newJob(h.queue), h.clock.now())],
  ['enqueue_many', 'enqueueMany', (h) => h.driver.enqueueMany([newJob(h.queue)], h.clock.now())],
  ['reserve', 'reserve', (h) => h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() })],
  ['extend_lease', 'extendLease', (h, lease) => h.driver.extendLease(lease, LEASE_MS, h.clock.now())],
  ['ack', 'ack', (h, lease) => h.driver.ack(lease, h.clock.now())],
  ['retry', 'retry', (h, lease) => h.driver.retry(lease, retryUpdate(h), h.clock.now())],
  ['fail', 'fail', (h, lease) => h.driver.fail(lease, failUpdate(h), h.clock.now())],
  ['release', 'release', (h, lease) => h.driver.release(lease, h.clock.now())],
  ['wait_for_work', 'waitForWork', (h) => h.driver.waitForWork({ queues: [h.queue], signal: new AbortController().signal })],
  ['inspect', 'inspect', (h, lease) => h.driver.inspect(refOf(lease))],
  ['list', 'list', (h) => h.driver.list({ queue: h.queue, limit: 10 })],
  ['requeue_dlq', 'requeueDlq', (h, _lease, dlqId) => h.driver.requeueDlq({ queue: h.queue, id: dlqId }, { now: h.clock.now() })],
  ['counts', 'counts', (h) => h.driver.counts(h.queue)],
  ['queues', 'queues', (h) => h.driver.queues()],
];

/** The batch forms, which a driver may leave out: method name and call. */
const BATCH_CALLS_AFTER_CLOSE: [method: 'ackMany' | 'extendLeases', call: ClosedCall][] = [
  ['ackMany', (h, lease) => h.driver.ackMany?.([lease], h.clock.now()) ?? Promise.resolve()],
  ['extendLeases', (h, lease) => h.driver.extendLeases?.([lease], LEASE_MS, h.clock.now()) ?? Promise.resolve()],
];

/**
 * Calls whose argument is not an object (or, for a list of records or
 * leases, not an array), with the parameter the ValidationError must name.
 * Every call would otherwise be valid on a queue holding a dead-lettered job
 * (`dlqId`) and an in-flight one (`lease`).
 */
const WRONG_SHAPES: [label: string, field: string, call: ClosedCall][] = [
  ['enqueue(null)', 'job', (h) => h.driver.enqueue(null as unknown as NewJobRecord, h.clock.now())],
  ['enqueueMany(a string)', 'jobs', (h) => h.driver.enqueueMany('jobs' as unknown as NewJobRecord[], h.clock.now())],
  ['reserve(null)', 'request', (h) => h.driver.reserve(null as unknown as ReserveRequest)],
  ['reserve(a string)', 'request', (h) => h.driver.reserve(h.queue as unknown as ReserveRequest)],
  ['ack(null)', 'lease', (h) => h.driver.ack(null as unknown as Lease, h.clock.now())],
  ['retry(lease, null)', 'update', (h, lease) => h.driver.retry(lease, null as unknown as RetryUpdate, h.clock.now())],
  ['fail(lease, null)', 'update', (h, lease) => h.driver.fail(lease, null as unknown as FailUpdate, h.clock.now())],
  ['waitForWork(null)', 'request', (h) => h.driver.waitForWork(null as unknown as WaitForWorkRequest)],
  ['inspect(null)', 'ref', (h) => h.driver.inspect(null as unknown as JobRef)],
  ['list(null)', 'request', (h) => h.driver.list(null as unknown as ListRequest)],
  ['requeueDlq(null, options)', 'ref', (h) => h.driver.requeueDlq(null as unknown as JobRef, { now: h.clock.now() })],
  [
    'requeueDlq(ref, null)',
    'options',
    (h, _lease, dlqId) => h.driver.requeueDlq({ queue: h.queue, id: dlqId }, null as unknown as RequeueOptions),
  ],
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
        new JobCancelledError('job-1', 'operator'),
        new InvalidJobStateError('job-1', 'done', 'cancel', 'it has finished'),
        new WaitTimeoutError('job-1', 1000),
        new UnsupportedOperationError('job control', 'cancel'),
        new ScheduleNotFoundError('nightly'),
      ];
      for (const [type, code] of DOCUMENTED_CODES) {
        const matching = examples.filter((error) => error instanceof type);
        expect(matching, `exactly one example is a ${type.name}`).toHaveLength(1);
        expect(matching[0]).toBeInstanceOf(TaskHarborError);
        expect((matching[0] as TaskHarborError).code).toBe(code);
      }
    });

    for (const [name, , call] of CALLS_AFTER_CLOSE) {
      it(`${name}_after_close_is_driver_closed`, async () => {
        const h = await setup();
        const { lease: dlqLease } = await deadJob(h);
        const { lease } = await enqueueAndReserve(h);
        await h.driver.close();
        await expectError(() => call(h, lease, dlqLease.jobId), DriverClosedError);
      });
    }

    it('driver_closed_error_names_the_method_called', async () => {
      const h = await setup();
      const { lease: dlqLease } = await deadJob(h);
      const { lease } = await enqueueAndReserve(h);
      await h.driver.close();
      const calls: [string, ClosedCall][] = CALLS_AFTER_CLOSE.map(([, method, call]) => [method, call]);
      for (const [method, call] of BATCH_CALLS_AFTER_CLOSE) if (typeof h.driver[method] === 'function') calls.push([method, call]);
      for (const [method, call] of calls) {
        const error = await expectError(() => call(h, lease, dlqLease.jobId), DriverClosedError);
        expect(error.message, method).toContain(method);
      }
    });

    it('argument_of_the_wrong_shape_is_a_validation_error_naming_the_parameter', async () => {
      const h = await setup();
      const { lease: dlqLease } = await deadJob(h);
      const { lease } = await enqueueAndReserve(h);
      const calls: [string, string, ClosedCall][] = [...WRONG_SHAPES];
      if (typeof h.driver.ackMany === 'function') {
        calls.push(['ackMany(a string)', 'leases', (h) => h.driver.ackMany?.('leases' as unknown as Lease[], h.clock.now()) ?? Promise.resolve()]);
      }
      if (typeof h.driver.extendLeases === 'function') {
        const extend: ClosedCall = (h) =>
          h.driver.extendLeases?.('leases' as unknown as Lease[], LEASE_MS, h.clock.now()) ?? Promise.resolve();
        calls.push(['extendLeases(a string)', 'leases', extend]);
      }
      for (const [label, field, call] of calls) {
        const error = await expectError(() => call(h, lease, dlqLease.jobId), ValidationError);
        expect(error.field, label).toBe(field);
      }
      expect(await coreCounts(h, h.queue)).toEqual({ ready: 0, scheduled: 0, inflight: 1, done: 0, dlq: 1 });
      expect((await h.driver.inspect(refOf(lease)))?.lease).toEqual({ token: lease.token, expiresAt: lease.expiresAt });
    });

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
