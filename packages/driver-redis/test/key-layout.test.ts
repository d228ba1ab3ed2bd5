import { describe, expect, it } from 'vitest';
import { newJob, SKIP_REDIS, scanKeys, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

/**
 * The keys and hash fields in Redis after each operation are exactly those
 * docs/redis.md documents ("Key layout" and "Job hash fields"). A change to
 * the layout must change that page and these lists together.
 */

/**
 * Fields every job hash of these tests holds, in every status (attempts and
 * reclaims only once they are not 0; max_attempts because newJob sets 3, not
 * the default; no created_at_nano, as newJob's ids start with the creation
 * time).
 */
const ALWAYS = ['type', 'payload', 'status', 'max_attempts'];

/** The hash of one job as field names, sorted. */
async function fieldsOf(raw: import('ioredis').Redis, key: string): Promise<string[]> {
  return (await raw.hkeys(key)).sort();
}

function sorted(...fields: string[]): string[] {
  return [...ALWAYS, ...fields].sort();
}

describe.skipIf(SKIP_REDIS)('key layout (Redis)', () => {
  const redis = useRedisFile('key-layout');

  it('keys_and_hash_fields_after_enqueue_reserve_ack_retry_and_fail_are_the_documented_ones', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const base = `${redis.prefix}:{${queue}}:`;
    const keysNow = async () => (await scanKeys(redis.raw, redis.prefix)).map((key) => key.slice(redis.prefix.length));
    const queueKeys = (...names: string[]) => [':queues', ':version', ...names.map((name) => `:{${queue}}:${name}`)].sort();

    // enqueue: a ready job with a timeout and an idempotency key, and a scheduled job.
    const a = newJob(queue, { timeoutMs: 1500, idempotencyKey: 'a-key' });
    const b = newJob(queue, { runAt: T0 + 60_000 });
    await driver.enqueueMany([a, b], T0);
    expect(await keysNow()).toEqual(queueKeys(`job:${a.id}`, `job:${b.id}`, 'idem:a-key', 'ready', 'scheduled', 'ids', 'ids:', 'signal'));
    expect(await fieldsOf(redis.raw, `${base}job:${a.id}`)).toEqual(sorted('timeout_nano', 'idempotency_key'));
    expect(await fieldsOf(redis.raw, `${base}job:${b.id}`)).toEqual(sorted('run_at_nano'));
    expect(await redis.raw.hgetall(`${base}job:${a.id}`)).toMatchObject({
      type: 'test.job',
      status: 'ready',
      timeout_nano: '1500000000',
      max_attempts: '3',
      idempotency_key: 'a-key',
    });
    expect(await redis.raw.hget(`${base}job:${b.id}`, 'run_at_nano')).toBe(`${T0 + 60_000}000000`);
    expect(await redis.raw.get(`${base}idem:a-key`)).toBe(a.id);
    expect(await redis.raw.get(`${redis.prefix}:version`)).toBe('8');
    expect(await redis.raw.smembers(`${redis.prefix}:queues`)).toEqual([queue]);
    // The id index: a directory of bucket bounds ('' for the first bucket) and the bucket.
    expect(await redis.raw.zrange(`${base}ids`, 0, -1)).toEqual(['']);
    expect(await redis.raw.zrange(`${base}ids:`, 0, -1)).toEqual([a.id, b.id].sort());
    expect(await redis.raw.zrange(`${base}scheduled`, 0, -1, 'WITHSCORES')).toEqual([b.id, String(T0 + 60_000)]);

    // reserve: a goes in flight; the ready list empties and the wake-up token goes with it.
    const { lease } = (await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 })).jobs[0]!;
    expect(await keysNow()).toEqual(queueKeys(`job:${a.id}`, `job:${b.id}`, 'idem:a-key', 'scheduled', 'inflight', 'ids', 'ids:'));
    expect(await fieldsOf(redis.raw, `${base}job:${a.id}`)).toEqual(
      sorted('timeout_nano', 'idempotency_key', 'lease_token', 'lease_expires_at_nano'),
    );
    expect(await redis.raw.hmget(`${base}job:${a.id}`, 'status', 'lease_token', 'lease_expires_at_nano')).toEqual([
      'inflight',
      lease.token,
      `${T0 + 1000}000000`,
    ]);
    expect(await redis.raw.zrange(`${base}inflight`, 0, -1, 'WITHSCORES')).toEqual([a.id, String(T0 + 1000)]);

    // ack: a is done, keeps its last token, gains finished_at_nano; the minute's outcome counts appear.
    await driver.ack(lease, T0 + 5);
    expect(await keysNow()).toEqual(queueKeys(`job:${a.id}`, `job:${b.id}`, 'idem:a-key', 'scheduled', 'done', 'ids', 'ids:', `metrics:${T0}`));
    expect(await redis.raw.hgetall(`${base}metrics:${T0}`)).toEqual({ completed: '1' });
    expect(await fieldsOf(redis.raw, `${base}job:${a.id}`)).toEqual(
      sorted('timeout_nano', 'idempotency_key', 'lease_token', 'finished_at_nano'),
    );
    expect(await redis.raw.hget(`${base}job:${a.id}`, 'finished_at_nano')).toBe(`${T0 + 5}000000`);
    expect(await redis.raw.zrange(`${base}done`, 0, -1, 'WITHSCORES')).toEqual([a.id, String(T0 + 5)]);

    // retry: c goes back to scheduled with the failure recorded; retry leaves a wake-up token.
    const c = newJob(queue);
    await driver.enqueue(c, T0);
    const cLease = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!.lease;
    await driver.retry(cLease, { attempts: 1, lastError: 'boom', failedAt: T0 + 1, runAt: T0 + 30_000 }, T0 + 2);
    expect(await fieldsOf(redis.raw, `${base}job:${c.id}`)).toEqual(
      sorted('attempts', 'run_at_nano', 'last_error', 'failed_at_nano', 'errors'),
    );
    expect(await redis.raw.hget(`${base}job:${c.id}`, 'errors')).toBe(JSON.stringify({ attempt: 1, message: 'boom', at: T0 + 1 }));
    expect(await redis.raw.hget(`${base}job:${c.id}`, 'attempts')).toBe('1');
    expect(await keysNow()).toEqual(
      queueKeys(`job:${a.id}`, `job:${b.id}`, `job:${c.id}`, 'idem:a-key', 'scheduled', 'done', 'ids', 'ids:', 'signal', `metrics:${T0}`),
    );

    // fail: d goes to the dead-letter list with reason and time, keeping its last token.
    const d = newJob(queue);
    await driver.enqueue(d, T0);
    const dLease = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 })).jobs[0]!.lease;
    await driver.fail(dLease, { attempts: 3, lastError: 'bad', failedAt: T0 + 3, reason: 'gave up' }, T0 + 4);
    expect(await fieldsOf(redis.raw, `${base}job:${d.id}`)).toEqual(
      sorted('attempts', 'last_error', 'failed_at_nano', 'errors', 'lease_token', 'dlq_reason', 'dlq_failed_at_nano'),
    );
    expect(await redis.raw.hmget(`${base}job:${d.id}`, 'status', 'dlq_reason', 'dlq_failed_at_nano', 'failed_at_nano')).toEqual([
      'dlq',
      'gave up',
      `${T0 + 4}000000`,
      `${T0 + 3}000000`,
    ]);
    expect(await keysNow()).toEqual(
      queueKeys(`job:${a.id}`, `job:${b.id}`, `job:${c.id}`, `job:${d.id}`, 'idem:a-key', 'scheduled', 'done', 'dlq', 'ids', 'ids:', `metrics:${T0}`),
    );
    expect(await redis.raw.hgetall(`${base}metrics:${T0}`)).toEqual({ completed: '1', failed: '2', dead: '1' });
    expect(await redis.raw.zrange(`${base}dlq`, 0, -1, 'WITHSCORES')).toEqual([d.id, String(T0 + 4)]);

    // requeue with resetAttempts: d is ready again, its counters gone (read as 0) with the dead-letter fields.
    await driver.requeueDlq({ queue, id: d.id }, { resetAttempts: true, now: T0 + 5 });
    expect(await fieldsOf(redis.raw, `${base}job:${d.id}`)).toEqual(sorted());
    expect(await driver.inspect({ queue, id: d.id })).toMatchObject({ attempts: 0, reclaims: 0, status: 'ready' });

    // reclaim: d's lease expires and the next reserve takes it back, counting the reclaim.
    const dAgain = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 6 })).jobs[0]!;
    expect(dAgain.job.id).toBe(d.id);
    const reclaimed = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 2000 })).jobs[0]!;
    expect(reclaimed.job).toMatchObject({ id: d.id, reclaims: 1 });
    expect(await redis.raw.hget(`${base}job:${d.id}`, 'reclaims')).toBe('1');
    expect(await redis.raw.zrange(`${base}ids:`, 0, -1)).toEqual(
      [a.id, b.id, c.id, d.id].sort(),
    );

    // progress and a result: d reports progress, then acks with a result.
    await driver.setProgress(reclaimed.lease, '{"done":3}', T0 + 2001);
    await driver.ack(reclaimed.lease, T0 + 2002, { result: Uint8Array.of(7, 8) });
    expect(await fieldsOf(redis.raw, `${base}job:${d.id}`)).toEqual(
      sorted('reclaims', 'lease_token', 'finished_at_nano', 'progress', 'result'),
    );
    expect(await redis.raw.hmget(`${base}job:${d.id}`, 'progress', 'result')).toEqual(['{"done":3}', '\u0007\b']);

    // cancel: b (scheduled) is cancelled at once with its reason; e (in flight) first gets a request.
    await driver.cancel({ queue, id: b.id }, { now: T0 + 3000, reason: 'not needed' });
    expect(await fieldsOf(redis.raw, `${base}job:${b.id}`)).toEqual(sorted('run_at_nano', 'cancelled_at_nano', 'cancel_reason'));
    const e = newJob(queue);
    await driver.enqueue(e, T0);
    const eLease = (await driver.reserve({ queue, limit: 1, leaseMs: 10_000, now: T0 + 3000 })).jobs[0]!.lease;
    await driver.cancel({ queue, id: e.id }, { now: T0 + 3001 });
    expect(await fieldsOf(redis.raw, `${base}job:${e.id}`)).toEqual(
      sorted('lease_token', 'lease_expires_at_nano', 'cancel_requested_at_nano'),
    );
    await driver.ack(eLease, T0 + 3002);
    expect(await fieldsOf(redis.raw, `${base}job:${e.id}`)).toEqual(sorted('lease_token', 'cancel_requested_at_nano', 'cancelled_at_nano'));
    expect(await redis.raw.zrange(`${base}cancelled`, 0, -1, 'WITHSCORES')).toEqual([b.id, String(T0 + 3000), e.id, String(T0 + 3002)]);

    // pause: one flag key; waitForFinish marks the job it watches.
    await driver.pause(queue);
    expect(await redis.raw.get(`${base}paused`)).toBe('1');
    await driver.waitForFinish({ queue, id: e.id }, new AbortController().signal);
    expect(await redis.raw.hget(`${base}job:${e.id}`, 'watched')).toBe('1');
    expect(await keysNow()).toEqual(
      queueKeys(
        `job:${a.id}`,
        `job:${b.id}`,
        `job:${c.id}`,
        `job:${d.id}`,
        `job:${e.id}`,
        'idem:a-key',
        'scheduled',
        'done',
        'cancelled',
        'paused',
        'ids', 'ids:',
        `metrics:${T0}`,
      ),
    );
  });
});
