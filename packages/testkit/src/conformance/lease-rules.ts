import { JobNotInFlightError, LeaseExpiredError, LeaseMismatchError, type Lease } from '@taskharbor/core';
import { expect, it } from 'vitest';
import { expectRejectedUnchanged } from './assertions.js';
import {
  deadJob,
  doneJob,
  enqueueAndReserve,
  enqueueJob,
  failUpdate,
  forgedLease,
  LEASE_MS,
  refOf,
  retryUpdate,
  takenOver,
  WRONG_TOKEN,
} from './fixtures.js';
import type { Harness, Setup } from './setup.js';

/** What an operation does when it meets a finished job. */
type FinishedOutcome = 'succeeds' | typeof LeaseMismatchError | typeof JobNotInFlightError;

/**
 * One of the five operations that take a Lease, with what the contract says
 * it does on a done or dead-lettered job, presenting that job's last token or
 * another one.
 */
export interface LeaseOperation {
  /** snake_case, the prefix of every case name. */
  name: string;
  call(h: Harness, lease: Lease): Promise<unknown>;
  done: { lastToken: FinishedOutcome; otherToken: FinishedOutcome };
  dlq: { lastToken: FinishedOutcome; otherToken: FinishedOutcome };
}

const notInFlight = { lastToken: JobNotInFlightError, otherToken: JobNotInFlightError } as const;

export const extendLeaseOperation: LeaseOperation = {
  name: 'extend_lease',
  call: (h, lease) => h.driver.extendLease(lease, LEASE_MS, h.clock.now()),
  done: notInFlight,
  dlq: notInFlight,
};

export const ackOperation: LeaseOperation = {
  name: 'ack',
  call: (h, lease) => h.driver.ack(lease, h.clock.now()),
  done: { lastToken: 'succeeds', otherToken: LeaseMismatchError },
  dlq: { lastToken: JobNotInFlightError, otherToken: LeaseMismatchError },
};

export const retryOperation: LeaseOperation = {
  name: 'retry',
  call: (h, lease) => h.driver.retry(lease, retryUpdate(h), h.clock.now()),
  done: notInFlight,
  dlq: notInFlight,
};

export const failOperation: LeaseOperation = {
  name: 'fail',
  call: (h, lease) => h.driver.fail(lease, failUpdate(h), h.clock.now()),
  done: { lastToken: 'succeeds', otherToken: LeaseMismatchError },
  dlq: { lastToken: 'succeeds', otherToken: LeaseMismatchError },
};

export const releaseOperation: LeaseOperation = {
  name: 'release',
  call: (h, lease) => h.driver.release(lease, h.clock.now()),
  done: notInFlight,
  dlq: notInFlight,
};

export const LEASE_OPERATIONS = [extendLeaseOperation, ackOperation, retryOperation, failOperation, releaseOperation];

function outcomeName(outcome: FinishedOutcome): string {
  if (outcome === 'succeeds') return 'succeeds_and_changes_nothing';
  return outcome === LeaseMismatchError ? 'is_lease_mismatch' : 'is_job_not_in_flight';
}

async function expectFinishedOutcome(h: Harness, lease: Lease, op: LeaseOperation, outcome: FinishedOutcome) {
  await h.clock.advance(1000);
  if (outcome !== 'succeeds') {
    await expectRejectedUnchanged(h, refOf(lease), () => op.call(h, lease), outcome);
    return;
  }
  const before = await h.driver.inspect(refOf(lease));
  await op.call(h, lease);
  expect(await h.driver.inspect(refOf(lease))).toEqual(before);
}

/**
 * The checks every lease operation makes before it changes anything, in the
 * contract's order: the job's status, then the token, then the expiry.
 */
export function leaseRuleCases(setup: Setup, op: LeaseOperation): void {
  const n = op.name;

  it(`${n}_one_ms_before_expiry_succeeds`, async () => {
    const h = await setup();
    const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
    await h.clock.advanceTo(lease.expiresAt - 1);
    await op.call(h, lease);
  });

  it(`${n}_with_wrong_token_is_lease_mismatch`, async () => {
    const h = await setup();
    const { lease } = await enqueueAndReserve(h);
    await expectRejectedUnchanged(h, refOf(lease), () => op.call(h, { ...lease, token: WRONG_TOKEN }), LeaseMismatchError);
  });

  it(`${n}_after_expiry_is_lease_expired`, async () => {
    const h = await setup();
    const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
    await h.clock.advanceTo(lease.expiresAt + 5000);
    await expectRejectedUnchanged(h, refOf(lease), () => op.call(h, lease), LeaseExpiredError);
  });

  it(`${n}_at_exactly_expires_at_is_lease_expired`, async () => {
    const h = await setup();
    const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
    await h.clock.advanceTo(lease.expiresAt);
    await expectRejectedUnchanged(h, refOf(lease), () => op.call(h, lease), LeaseExpiredError);
  });

  it(`${n}_with_wrong_token_after_expiry_is_lease_mismatch`, async () => {
    const h = await setup();
    const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
    await h.clock.advanceTo(lease.expiresAt + 5000);
    await expectRejectedUnchanged(h, refOf(lease), () => op.call(h, { ...lease, token: WRONG_TOKEN }), LeaseMismatchError);
  });

  it(`${n}_after_takeover_is_lease_mismatch`, async () => {
    const h = await setup();
    const { stale } = await takenOver(h);
    await expectRejectedUnchanged(h, refOf(stale), () => op.call(h, stale), LeaseMismatchError);
  });

  it(`${n}_after_reclaim_to_ready_is_job_not_in_flight`, async () => {
    const h = await setup();
    const { lease } = await enqueueAndReserve(h, { leaseMs: 1000 });
    const other = await enqueueJob(h);
    await h.clock.advanceTo(lease.expiresAt);
    const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
    expect(jobs.map((r) => r.job.id)).toEqual([other.id]);
    await expectRejectedUnchanged(h, refOf(lease), () => op.call(h, lease), JobNotInFlightError);
  });

  it(`${n}_of_ready_job_is_job_not_in_flight`, async () => {
    const h = await setup();
    const job = await enqueueJob(h);
    const lease = forgedLease(h, job.id);
    await expectRejectedUnchanged(h, refOf(lease), () => op.call(h, lease), JobNotInFlightError);
  });

  it(`${n}_of_scheduled_job_is_job_not_in_flight`, async () => {
    const h = await setup();
    const job = await enqueueJob(h, { runAt: h.clock.now() + 60_000 });
    const lease = forgedLease(h, job.id);
    await expectRejectedUnchanged(h, refOf(lease), () => op.call(h, lease), JobNotInFlightError);
  });

  it(`${n}_of_done_job_with_its_last_token_${outcomeName(op.done.lastToken)}`, async () => {
    const h = await setup();
    const { lease } = await doneJob(h);
    await expectFinishedOutcome(h, lease, op, op.done.lastToken);
  });

  it(`${n}_of_done_job_with_another_token_${outcomeName(op.done.otherToken)}`, async () => {
    const h = await setup();
    const { stale } = await takenOver(h, 'ack');
    await expectFinishedOutcome(h, stale, op, op.done.otherToken);
  });

  it(`${n}_of_dlq_job_with_its_last_token_${outcomeName(op.dlq.lastToken)}`, async () => {
    const h = await setup();
    const { lease } = await deadJob(h);
    await expectFinishedOutcome(h, lease, op, op.dlq.lastToken);
  });

  it(`${n}_of_dlq_job_with_another_token_${outcomeName(op.dlq.otherToken)}`, async () => {
    const h = await setup();
    const { stale } = await takenOver(h, 'fail');
    await expectFinishedOutcome(h, stale, op, op.dlq.otherToken);
  });
}
