import { METRICS_RETENTION_MS, ValidationError, type WorkerInfo } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { runningJobs } from './support/job-control.js';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

const MINUTE = 60_000;

function workerInfo(id: string, startedAt: number): WorkerInfo {
  return { id, host: 'h1', pid: 42, queues: ['a', 'b'], concurrency: 4, running: 1, startedAt, version: '0.1.0' };
}

describe.skipIf(SKIP_REDIS)('observability data model (Redis)', () => {
  const redis = useRedisFile('observability');
  const jobKey = (queue: string, id: string) => `${redis.prefix}:{${queue}}:job:${id}`;
  const metricsKey = (queue: string, minute: number) => `${redis.prefix}:{${queue}}:metrics:${minute}`;

  describe('meta', () => {
    it('meta_is_one_json_field_of_the_job_hash_and_a_job_without_meta_or_with_an_empty_map_has_none', async () => {
      const driver = await redis.driver();
      const queue = uniqueQueue();
      const traced = newJob(queue, { meta: { traceparent: '00-abc-01', 'x.key': 'é' } });
      const plain = newJob(queue);
      const empty = newJob(queue, { meta: {} });
      await driver.enqueueMany([traced, plain, empty], T0);
      expect(await redis.raw.hget(jobKey(queue, traced.id), 'meta')).toBe('{"traceparent":"00-abc-01","x.key":"é"}');
      expect(await redis.raw.hkeys(jobKey(queue, plain.id))).toEqual(['type', 'payload', 'status', 'max_attempts']);
      expect(await redis.raw.hexists(jobKey(queue, empty.id), 'meta')).toBe(0);
      const { jobs } = await driver.reserve({ queue, limit: 3, leaseMs: 1000, now: T0 });
      expect(jobs.map((j) => j.job.meta)).toEqual([{ traceparent: '00-abc-01', 'x.key': 'é' }, undefined, undefined]);
      expect((await driver.inspect({ queue, id: traced.id }))?.meta).toEqual({ traceparent: '00-abc-01', 'x.key': 'é' });
      expect((await driver.list({ queue, limit: 10 })).jobs.find((j) => j.id === traced.id)?.meta).toEqual({ traceparent: '00-abc-01', 'x.key': 'é' });
    });

    it('a_single_enqueue_with_meta_and_a_flow_job_beside_it_store_both_and_the_flow_path_returns_meta', async () => {
      const driver = await redis.driver();
      const queue = uniqueQueue();
      const grouped = newJob(queue, { group: 'tenant-1', meta: { a: '1' } });
      const unGrouped = newJob(queue, { meta: { b: '2' } });
      await Promise.all([driver.enqueue(grouped, T0), driver.enqueue(unGrouped, T0)]);
      expect(await redis.raw.hmget(jobKey(queue, grouped.id), 'group', 'meta')).toEqual(['tenant-1', '{"a":"1"}']);
      const { jobs } = await driver.reserve({ queue, limit: 2, leaseMs: 1000, now: T0 });
      expect(new Map(jobs.map((j) => [j.job.id, j.job.meta]))).toEqual(
        new Map([
          [grouped.id, { a: '1' }],
          [unGrouped.id, { b: '2' }],
        ]),
      );
    });

    it('meta_alone_does_not_turn_the_flow_path_on', async () => {
      const driver = await redis.driver();
      const queue = uniqueQueue();
      await driver.enqueue(newJob(queue, { meta: { a: '1' } }), T0);
      expect(await redis.raw.exists(`${redis.prefix}:{${queue}}:flow`)).toBe(0);
      expect(await redis.raw.llen(`${redis.prefix}:{${queue}}:ready`)).toBe(1);
    });

    it('retry_release_snooze_and_requeue_keep_meta_and_a_second_enqueue_leaves_the_first_untouched', async () => {
      const driver = await redis.driver();
      const queue = uniqueQueue();
      const job = newJob(queue, { meta: { k: 'v' }, idempotencyKey: 'once' });
      await driver.enqueue(job, T0);
      expect(await driver.enqueue({ ...newJob(queue), idempotencyKey: 'once', meta: { k: 'other' } }, T0)).toEqual({ id: job.id, existed: true });
      expect(await driver.enqueue({ ...job, meta: { k: 'other' } }, T0)).toEqual({ id: job.id, existed: true });
      let [lease] = await runningJobs(driver, queue, 1);
      await driver.retry(lease!, { attempts: 1, lastError: 'x', failedAt: T0 + 1 }, T0 + 1);
      [lease] = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 2 })).jobs.map((j) => j.lease);
      await driver.release(lease!, T0 + 3);
      [lease] = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 4 })).jobs.map((j) => j.lease);
      await driver.snooze(lease!, T0 + 10, T0 + 5);
      const reserved = (await driver.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 + 10 })).jobs[0]!;
      expect(reserved.job.meta).toEqual({ k: 'v' });
      await driver.fail(reserved.lease, { attempts: 2, lastError: 'y', failedAt: T0 + 11, reason: 'gave up' }, T0 + 11);
      await driver.requeueDlq({ queue, id: job.id }, { now: T0 + 12 });
      expect((await driver.inspect({ queue, id: job.id }))?.meta).toEqual({ k: 'v' });
      expect(await redis.raw.hget(jobKey(queue, job.id), 'meta')).toBe('{"k":"v"}');
    });
  });

  describe('throughput counts', () => {
    it('ack_retry_and_fail_count_in_the_minute_of_now_and_the_key_gets_its_ttl_once', async () => {
      const driver = await redis.driver();
      const queue = uniqueQueue();
      const now = T0 + 5 * MINUTE + 1234;
      await driver.enqueueMany([newJob(queue), newJob(queue), newJob(queue), newJob(queue)], T0);
      const [a, b, c, d] = (await driver.reserve({ queue, limit: 4, leaseMs: 10 * MINUTE, now: T0 })).jobs.map((j) => j.lease);
      await driver.ack(a!, now);
      const key = metricsKey(queue, T0 + 5 * MINUTE);
      expect(await redis.raw.hgetall(key)).toEqual({ completed: '1' });
      const ttl = await redis.raw.pttl(key);
      expect(ttl).toBeGreaterThan(METRICS_RETENTION_MS);
      expect(ttl).toBeLessThanOrEqual(METRICS_RETENTION_MS + 3_600_000);
      // A later write to an existing field leaves the TTL alone.
      await redis.raw.pexpire(key, 500_000);
      await driver.retry(b!, { attempts: 1, failedAt: now + 1 }, now + 1);
      expect(await redis.raw.pttl(key)).toBeGreaterThan(METRICS_RETENTION_MS);
      await redis.raw.pexpire(key, 500_000);
      await driver.fail(c!, { attempts: 1, failedAt: now + 2, reason: 'no' }, now + 2);
      expect(await redis.raw.pttl(key)).toBeGreaterThan(METRICS_RETENTION_MS);
      await redis.raw.pexpire(key, 500_000);
      await driver.ack(d!, now + 3);
      expect(await redis.raw.pttl(key)).toBeLessThanOrEqual(500_000);
      expect(await redis.raw.hgetall(key)).toEqual({ completed: '2', failed: '2', dead: '1' });
      expect(await driver.metrics(queue, { from: T0 + 4 * MINUTE, to: T0 + 7 * MINUTE })).toEqual([
        { minute: T0 + 4 * MINUTE, completed: 0, failed: 0, dead: 0 },
        { minute: T0 + 5 * MINUTE, completed: 2, failed: 2, dead: 1 },
        { minute: T0 + 6 * MINUTE, completed: 0, failed: 0, dead: 0 },
      ]);
    });

    it('an_ack_of_many_adds_its_count_with_one_hincrby_and_refused_repeated_and_cancelled_acks_count_nothing', async () => {
      const driver = await redis.driver();
      const queue = uniqueQueue();
      await driver.enqueueMany(Array.from({ length: 6 }, () => newJob(queue)), T0);
      const leases = await runningJobs(driver, queue, 6);
      await driver.cancel({ queue, id: leases[5]!.jobId }, { now: T0 + 1 });
      const monitor = await redis.raw.monitor();
      const seen: string[][] = [];
      const marker = `end-${queue}`;
      let markerSeen: () => void = () => undefined;
      const reachedMarker = new Promise<void>((resolve) => {
        markerSeen = resolve;
      });
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (args.includes(marker)) markerSeen();
        else if (args.some((arg) => arg.includes(`{${queue}}:metrics:`))) seen.push(args);
      });
      try {
        const outcomes = await driver.ackMany([...leases.slice(0, 4), { ...leases[4]!, token: 'stale' }, leases[5]!], T0 + 2);
        expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true, false, true]);
        await driver.ackMany(leases.slice(0, 2), T0 + 3);
        // MONITOR reports commands in the order the server ran them: once the marker shows, the scripts' commands have.
        await redis.raw.echo(marker);
        await reachedMarker;
      } finally {
        monitor.disconnect();
      }
      expect(seen.map((args) => args[0]!.toLowerCase())).toEqual(['hincrby', 'pexpire']);
      expect(await redis.raw.hgetall(metricsKey(queue, T0))).toEqual({ completed: '4' });
    });

    it('release_snooze_hold_back_and_reclaim_count_nothing', async () => {
      const driver = await redis.driver();
      const queue = uniqueQueue();
      await driver.enqueueMany([newJob(queue), newJob(queue), newJob(queue), newJob(queue)], T0);
      const [a, b, c] = await runningJobs(driver, queue, 3);
      await driver.release(a!, T0 + 1);
      await driver.snooze(b!, T0 + 10, T0 + 1);
      await driver.holdBack(c!, T0 + 10, T0 + 1);
      await driver.reserve({ queue, limit: 4, leaseMs: 10, now: T0 + 2 });
      await driver.reserve({ queue, limit: 4, leaseMs: 10, now: T0 + 100 });
      expect(await redis.raw.keys(`${redis.prefix}:{${queue}}:metrics:*`)).toEqual([]);
    });

    it('a_retry_of_a_cancel_requested_job_counts_failed_and_a_fail_of_one_is_not_dead', async () => {
      const driver = await redis.driver();
      const queue = uniqueQueue();
      await driver.enqueueMany([newJob(queue), newJob(queue)], T0);
      const [a, b] = await runningJobs(driver, queue, 2);
      await driver.cancel({ queue, id: a!.jobId }, { now: T0 + 1 });
      await driver.cancel({ queue, id: b!.jobId }, { now: T0 + 1 });
      await driver.retry(a!, { attempts: 1, failedAt: T0 + 2 }, T0 + 2);
      await driver.fail(b!, { attempts: 1, failedAt: T0 + 2, reason: 'x' }, T0 + 2);
      expect(await redis.raw.hgetall(metricsKey(queue, T0))).toEqual({ failed: '2' });
    });

    it('with_lease_clock_server_an_outcome_counts_in_the_minute_of_redis_time', async () => {
      const driver = await redis.driver({ leaseClock: 'server' });
      const queue = uniqueQueue();
      const serverMs = async () => {
        const [seconds, micros] = await redis.raw.time();
        return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      };
      const before = await serverMs();
      await driver.enqueue(newJob(queue), before);
      const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: before });
      // The caller's now is far off; the script decides by Redis's TIME.
      await driver.ack(jobs[0]!.lease, T0);
      const after = await serverMs();
      const keys = await redis.raw.keys(`${redis.prefix}:{${queue}}:metrics:*`);
      expect(keys).toHaveLength(1);
      const minute = Number(keys[0]!.slice(keys[0]!.lastIndexOf(':') + 1));
      expect([before - (before % MINUTE), after - (after % MINUTE)]).toContain(minute);
    });

    it('metrics_refuses_a_bad_range_and_reads_a_whole_day_in_chunks', async () => {
      const driver = await redis.driver();
      const queue = uniqueQueue();
      await expect(driver.metrics(queue, { from: T0, to: T0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(driver.metrics(queue, { from: T0, to: T0 + METRICS_RETENTION_MS + 1 })).rejects.toBeInstanceOf(ValidationError);
      await expect(driver.metrics('bad queue', { from: T0, to: T0 + 1 })).rejects.toBeInstanceOf(ValidationError);
      await redis.raw.hset(metricsKey(queue, T0 + 1439 * MINUTE), 'dead', '3', 'failed', '3');
      const day = await driver.metrics(queue, { from: T0, to: T0 + METRICS_RETENTION_MS });
      expect(day).toHaveLength(1440);
      expect(day[1439]).toEqual({ minute: T0 + 1439 * MINUTE, completed: 0, failed: 3, dead: 3 });
      expect(day.slice(0, 1439).every((p) => p.completed + p.failed + p.dead === 0)).toBe(true);
    });
  });

  describe('workers', () => {
    it('an_entry_is_a_json_hash_field_and_an_expiry_score_under_one_hash_tag', async () => {
      const driver = await redis.driver({ keyPrefix: `${redis.prefix}:w1` });
      const info = workerInfo('w-1', T0 - 100);
      await driver.registerWorker({ ...info, extra: 'dropped' } as WorkerInfo, { now: T0, ttlMs: 30_000 });
      const hashKey = `${redis.prefix}:w1:{workers}:entries`;
      const setKey = `${redis.prefix}:w1:{workers}:expiries`;
      expect(JSON.parse((await redis.raw.hget(hashKey, 'w-1')) as string)).toEqual({ ...info, lastSeenAt: T0, expiresAt: T0 + 30_000 });
      expect(await redis.raw.zscore(setKey, 'w-1')).toBe(String(T0 + 30_000));
      expect(await driver.workers({ now: T0 + 29_999 })).toEqual([{ ...info, lastSeenAt: T0, expiresAt: T0 + 30_000 }]);
      expect(await driver.workers({ now: T0 + 30_000 })).toEqual([]);
      expect(await driver.removeWorker('w-1')).toBe(true);
      expect(await driver.removeWorker('w-1')).toBe(false);
      expect(await redis.raw.exists(hashKey, setKey)).toBe(0);
    });

    it('workers_lists_the_most_recently_started_first_then_by_id', async () => {
      const driver = await redis.driver({ keyPrefix: `${redis.prefix}:w2` });
      await driver.registerWorker(workerInfo('b', T0 - 50), { now: T0, ttlMs: 10_000 });
      await driver.registerWorker(workerInfo('a', T0 - 50), { now: T0, ttlMs: 20_000 });
      await driver.registerWorker(workerInfo('c', T0 - 10), { now: T0, ttlMs: 5_000 });
      expect((await driver.workers({ now: T0 + 1 })).map((w) => w.id)).toEqual(['c', 'a', 'b']);
      expect((await driver.workers({ now: T0 + 5_000 })).map((w) => w.id)).toEqual(['a', 'b']);
    });

    it('a_registration_deletes_at_most_100_stale_entries', async () => {
      const driver = await redis.driver({ keyPrefix: `${redis.prefix}:w3` });
      const setKey = `${redis.prefix}:w3:{workers}:expiries`;
      for (let i = 0; i < 130; i++) await driver.registerWorker(workerInfo(`old-${i}`, T0), { now: T0, ttlMs: 1_000 });
      await driver.registerWorker(workerInfo('new', T0), { now: T0 + 1_000, ttlMs: 1_000 });
      expect(await redis.raw.zcard(setKey)).toBe(31);
      expect(await redis.raw.hlen(`${redis.prefix}:w3:{workers}:entries`)).toBe(31);
      await driver.registerWorker(workerInfo('new', T0), { now: T0 + 1_000, ttlMs: 1_000 });
      expect(await redis.raw.zrange(setKey, 0, -1)).toEqual(['new']);
    });

    it('bad_worker_input_is_a_validation_error_with_nothing_written', async () => {
      const driver = await redis.driver({ keyPrefix: `${redis.prefix}:w4` });
      await expect(driver.registerWorker(workerInfo('bad id', T0), { now: T0, ttlMs: 5_000 })).rejects.toBeInstanceOf(ValidationError);
      await expect(driver.registerWorker(workerInfo('ok', T0), { now: T0, ttlMs: 10 })).rejects.toBeInstanceOf(ValidationError);
      await expect(driver.removeWorker('')).rejects.toBeInstanceOf(ValidationError);
      await expect(driver.workers({ now: -1 })).rejects.toBeInstanceOf(ValidationError);
      expect(await redis.raw.exists(`${redis.prefix}:w4:{workers}:entries`, `${redis.prefix}:w4:{workers}:expiries`)).toBe(0);
    });
  });
});
