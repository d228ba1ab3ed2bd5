import { LeaseMismatchError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';
import { indexIds } from './support/id-index.js';

describe.skipIf(SKIP_REDIS)('ack (Redis)', () => {
  const redis = useRedisFile('ack');

  it('ack_marks_the_job_done_and_keeps_it_for_inspection', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    await driver.enqueue(job, T0);
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!;
    await driver.ack(lease, T0 + 10);
    const record = await driver.inspect({ queue, id: job.id });
    expect(record).toMatchObject({ status: 'done', finishedAt: T0 + 10, lease: { token: lease.token } });
    expect(record?.lease?.expiresAt).toBeUndefined();
    expect(await driver.counts(queue)).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 1, dlq: 0, cancelled: 0, paused: false });
    expect((await driver.list({ queue, status: 'done', limit: 10 })).jobs.map((j) => j.id)).toEqual([job.id]);
    await driver.ack(lease, T0 + 20);
    expect((await driver.inspect({ queue, id: job.id }))?.finishedAt).toBe(T0 + 10);
  });

  it('ack_with_another_token_is_lease_mismatch_and_changes_nothing', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    await driver.enqueue(job, T0);
    const { lease } = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!;
    const before = await driver.inspect({ queue, id: job.id });
    await expect(driver.ack({ ...lease, token: 'someone-else' }, T0)).rejects.toBeInstanceOf(LeaseMismatchError);
    expect(await driver.inspect({ queue, id: job.id })).toEqual(before);
  });

  it('ack_many_acks_leases_of_several_queues_in_one_call', async () => {
    const driver = await redis.driver();
    const [a, b] = [uniqueQueue(), uniqueQueue()];
    await driver.enqueueMany([newJob(a), newJob(a), newJob(b)], T0);
    const leases = [
      ...(await driver.reserve({ queue: a, limit: 2, leaseMs: 1000, now: T0 })).jobs,
      ...(await driver.reserve({ queue: b, limit: 2, leaseMs: 1000, now: T0 })).jobs,
    ].map((r) => r.lease);
    const outcomes = await driver.ackMany([leases[0]!, { ...leases[1]!, token: 'wrong' }, leases[2]!], T0 + 1);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, error: expect.any(LeaseMismatchError) });
    expect((await driver.counts(a)).done).toBe(1);
    expect((await driver.counts(b)).done).toBe(1);
  });

  // Count and age rules both remove the oldest first, so each case lets one of them act alone, or both in turn.
  const RETENTION_CASES = [
    { rule: 'count', retention: { maxDoneCount: 4, maxDoneAgeMs: Number.POSITIVE_INFINITY }, done: 4 },
    { rule: 'age', retention: { maxDoneCount: 100, maxDoneAgeMs: 1000 }, done: 8 },
    // Exactly full once the age rule has taken its job: a count that missed that removal would take one more.
    { rule: 'count_and_age', retention: { maxDoneCount: 8, maxDoneAgeMs: 1000 }, done: 8 },
  ] as const;
  for (const { rule, retention, done } of RETENTION_CASES) {
    it(`ack_many_under_the_${rule}_rule_ends_as_the_same_acks_one_by_one`, async () => {
      const driver = await redis.driver({ retention });
      // The same history on two queues: three done jobs (at T0 + 2000 and T0 + 3000), then six
      // acked at T0 + 3100, with ackMany on one queue and one at a time on the other.
      async function history(queue: string) {
        const old = Array.from({ length: 3 }, (_, i) => newJob(queue, { idempotencyKey: `old-${i}` }));
        await driver.enqueueMany(old, T0);
        const oldLeases = (await driver.reserve({ queue, limit: 3, leaseMs: 60_000, now: T0 })).jobs.map((r) => r.lease);
        await driver.ackMany(oldLeases.slice(0, 1), T0 + 2_000);
        await driver.ackMany(oldLeases.slice(1), T0 + 3_000);
        const fresh = Array.from({ length: 6 }, (_, i) => newJob(queue, { idempotencyKey: `new-${i}` }));
        await driver.enqueueMany(fresh, T0 + 3_050);
        const leases = (await driver.reserve({ queue, limit: 6, leaseMs: 60_000, now: T0 + 3_050 })).jobs.map((r) => r.lease);
        // The first lease twice: by its second ack the count rule may have removed its job.
        return { jobs: [...old, ...fresh], batch: [...leases, leases[0]!] };
      }
      const [a, b] = [uniqueQueue(), uniqueQueue()];
      const [ha, hb] = [await history(a), await history(b)];
      const now = T0 + 3_100;
      const batched = (await driver.ackMany(ha.batch, now)).map((o) => (o.ok ? 'ok' : o.error.constructor.name));
      const single: string[] = [];
      for (const lease of hb.batch) {
        single.push(await driver.ack(lease, now).then(() => 'ok', (error: Error) => error.constructor.name));
      }
      expect(batched).toEqual(single);
      const statuses = async (queue: string, jobs: { id: string }[]) =>
        Promise.all(jobs.map(async (job) => (await driver.inspect({ queue, id: job.id }))?.status ?? 'gone'));
      expect(await statuses(a, ha.jobs)).toEqual(await statuses(b, hb.jobs));
      expect((await statuses(a, ha.jobs)).filter((status) => status === 'done')).toHaveLength(done);
      const keys = async (queue: string) =>
        Promise.all(ha.jobs.map((_, i) => redis.raw.exists(`${redis.prefix}:{${queue}}:idem:${i < 3 ? `old-${i}` : `new-${i - 3}`}`)));
      expect(await keys(a)).toEqual(await keys(b));
      expect(await driver.counts(a)).toEqual(await driver.counts(b));
    });
  }

  it('retention_trims_done_jobs_with_their_idempotency_keys', async () => {
    const driver = await redis.driver({ retention: { maxDoneCount: 1 } });
    const queue = uniqueQueue();
    const first = newJob(queue, { idempotencyKey: 'once' });
    await driver.enqueueMany([first, newJob(queue)], T0);
    const leases = (await driver.reserve({ queue, limit: 2, leaseMs: 1000, now: T0 })).jobs.map((r) => r.lease);
    await driver.ack(leases[0]!, T0 + 1);
    await driver.ack(leases[1]!, T0 + 2);
    expect(await driver.inspect({ queue, id: first.id })).toBeUndefined();
    expect(await redis.raw.exists(`${redis.prefix}:{${queue}}:idem:once`, `${redis.prefix}:{${queue}}:job:${first.id}`)).toBe(0);
    expect(await indexIds(redis.raw, `${redis.prefix}:{${queue}}:ids`)).toEqual([leases[1]!.jobId]);
  });

  it('a_retention_of_zero_removes_each_job_at_its_ack_with_its_key_and_index_member', async () => {
    const driver = await redis.driver({ retention: { maxDoneCount: 0 } });
    const queue = uniqueQueue();
    const first = newJob(queue, { idempotencyKey: 'gone' });
    const second = newJob(queue);
    await driver.enqueueMany([first, second], T0);
    const leases = (await driver.reserve({ queue, limit: 2, leaseMs: 1000, now: T0 })).jobs.map((r) => r.lease);
    const outcomes = await driver.ackMany(leases, T0 + 1);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(await driver.inspect({ queue, id: first.id })).toBeUndefined();
    expect(await driver.inspect({ queue, id: second.id })).toBeUndefined();
    expect(await driver.counts(queue)).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 0, paused: false });
    expect(await redis.raw.exists(`${redis.prefix}:{${queue}}:idem:gone`, `${redis.prefix}:{${queue}}:ids`, `${redis.prefix}:{${queue}}:ids:`)).toBe(0);
    // The key is free again.
    const again = newJob(queue, { idempotencyKey: 'gone' });
    expect(await driver.enqueue(again, T0 + 2)).toEqual({ id: again.id, existed: false });
  });
});
