import {
  type FailUpdate,
  type JobRef,
  type Lease,
  type NewJobRecord,
  newJobId,
  type ReservedJob,
  type RetryUpdate,
} from '@taskharbor/core';
import type { Harness } from './setup.js';

/** The lease length cases use unless the rule needs another. */
export const LEASE_MS = 30_000;

/** A token no driver hands out. */
export const WRONG_TOKEN = 'not-the-token';

/** The createdAt of fixture jobs made outside a harness (the FakeClock's default start). */
export const FIXTURE_TIME = Date.UTC(2030, 0, 1);

/**
 * A valid job record for `queue`; overrides replace any field. Ids come from
 * core's generator, so jobs made one after another have ascending ids.
 *
 * @example
 * const job = newJob('emails', { runAt: clock.now() + 5000, idempotencyKey: 'k1' });
 */
export function newJob(queue: string, overrides: Partial<NewJobRecord> = {}): NewJobRecord {
  const createdAt = overrides.createdAt ?? FIXTURE_TIME;
  return {
    id: newJobId(createdAt),
    type: 'conformance.job',
    queue,
    payload: Uint8Array.of(1, 2, 3),
    createdAt,
    maxAttempts: 3,
    ...overrides,
  };
}

/** Enqueues a fixture job into the harness queue at the clock's now and returns the record sent. */
export async function enqueueJob(h: Harness, overrides: Partial<NewJobRecord> = {}): Promise<NewJobRecord> {
  const job = newJob(h.queue, { createdAt: h.clock.now(), ...overrides });
  await h.driver.enqueue(job, h.clock.now());
  return job;
}

/** Reserves from the harness queue (or `queue`) and returns the ids handed out, in order. */
export async function reserveIds(
  h: Harness,
  options: { limit?: number; leaseMs?: number; queue?: string } = {},
): Promise<string[]> {
  const { jobs } = await h.driver.reserve({
    queue: options.queue ?? h.queue,
    limit: options.limit ?? 100,
    leaseMs: options.leaseMs ?? LEASE_MS,
    now: h.clock.now(),
  });
  return jobs.map((reserved) => reserved.job.id);
}

/**
 * Enqueues one job and reserves it. Use it on a queue with no other ready
 * job; it throws when reserve hands out anything else.
 */
export async function enqueueAndReserve(
  h: Harness,
  options: { leaseMs?: number; job?: Partial<NewJobRecord> } = {},
): Promise<ReservedJob> {
  const job = await enqueueJob(h, options.job);
  const { jobs } = await h.driver.reserve({
    queue: job.queue,
    limit: 1,
    leaseMs: options.leaseMs ?? LEASE_MS,
    now: h.clock.now(),
  });
  const reserved = jobs[0];
  if (jobs.length !== 1 || reserved === undefined || reserved.job.id !== job.id) {
    const got = jobs.map((r) => r.job.id).join(', ') || 'nothing';
    throw new Error(`fixture: reserve should have handed out job ${job.id}, got ${got}`);
  }
  return reserved;
}

/** A job that was reserved and acked (status done); its lease holds the last token. */
export async function doneJob(h: Harness): Promise<ReservedJob> {
  const reserved = await enqueueAndReserve(h);
  await h.driver.ack(reserved.lease, h.clock.now());
  return reserved;
}

/** A job that was reserved and failed (status dlq); its lease holds the last token. */
export async function deadJob(h: Harness, reason = 'gave up'): Promise<ReservedJob> {
  const reserved = await enqueueAndReserve(h);
  await h.driver.fail(reserved.lease, failUpdate(h, { reason }), h.clock.now());
  return reserved;
}

/**
 * A job whose first lease expired and was taken over by a second reserve:
 * `stale` is the first caller's lease, `current` the second's. With
 * `finish`, the second caller then acks or fails the job.
 */
export async function takenOver(
  h: Harness,
  finish?: 'ack' | 'fail',
): Promise<{ stale: Lease; current: Lease }> {
  const { lease: stale } = await enqueueAndReserve(h, { leaseMs: 1000 });
  await h.clock.advanceTo(stale.expiresAt);
  const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 1, leaseMs: LEASE_MS, now: h.clock.now() });
  const current = jobs[0]?.lease;
  if (current === undefined || current.jobId !== stale.jobId) {
    throw new Error(`fixture: the expired job ${stale.jobId} should have been reserved again`);
  }
  if (finish === 'ack') await h.driver.ack(current, h.clock.now());
  if (finish === 'fail') await h.driver.fail(current, failUpdate(h), h.clock.now());
  return { stale, current };
}

/** The admin reference of a leased job. */
export function refOf(lease: Lease): JobRef {
  return { queue: lease.queue, id: lease.jobId };
}

/** A lease for a job that no reserve issued (for jobs never reserved). */
export function forgedLease(h: Harness, jobId: string, queue = h.queue): Lease {
  return { jobId, queue, token: WRONG_TOKEN, expiresAt: h.clock.now() + LEASE_MS };
}

/** A retry update recording one failure at the clock's now. */
export function retryUpdate(h: Harness, overrides: Partial<RetryUpdate> = {}): RetryUpdate {
  return { attempts: 1, lastError: 'boom', failedAt: h.clock.now(), ...overrides };
}

/** A fail update recording one failure at the clock's now. */
export function failUpdate(h: Harness, overrides: Partial<FailUpdate> = {}): FailUpdate {
  return { attempts: 1, lastError: 'boom', failedAt: h.clock.now(), reason: 'gave up', ...overrides };
}

/** Bytes of the given length in a fixed pattern that is not valid UTF-8. */
export function patternBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 0xc3) & 0xff;
  return bytes;
}

/**
 * Ids in code-point order (the order of their UTF-8 bytes), chosen across
 * the boundaries where UTF-16 code-unit order differs: a prefix, the last
 * character before the surrogate range, private use, and characters above
 * U+FFFF. Sorting them with `<` on strings would put the last three first.
 */
export const CODE_POINT_ORDERED_IDS: readonly string[] = [
  'job-',
  'job-a',
  'job-ab',
  'job-\u{D7FF}',
  'job-\u{E000}',
  'job-\u{FFFD}',
  'job-\u{10000}',
  'job-\u{1F600}',
  'job-\u{10FFFD}',
];
