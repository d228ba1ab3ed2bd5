import { type Lease, METRICS_BUCKET_MS, METRICS_RETENTION_MS, ValidationError, type WorkerInfo } from '@taskharbor/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Database } from '../src/database.js';
import { PostgresDriver } from '../src/index.js';
import { trimMetrics } from '../src/retention.js';
import { databaseUrl, newJob, SKIP_POSTGRES, T0, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

const LEASE = 60_000;
const MINUTE = METRICS_BUCKET_MS;

function worker(id: string, overrides: Partial<WorkerInfo> = {}): WorkerInfo {
  return { id, host: 'box', pid: 42, queues: ['a', 'b'], concurrency: 4, running: 1, startedAt: T0, version: '1.0.0', ...overrides };
}

describe.skipIf(SKIP_POSTGRES)('observability on PostgreSQL', () => {
  const file = usePostgresFile('observability');

  async function reserveOne(driver: PostgresDriver, queue: string, now: number): Promise<Lease> {
    const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: LEASE, now });
    expect(jobs).toHaveLength(1);
    return (jobs[0] as { lease: Lease }).lease;
  }

  async function metricRows(queue: string): Promise<{ minute: number; shard: number; completed: number; failed: number; dead: number }[]> {
    const { rows } = await file.pool.query(
      `SELECT minute::float8 AS minute, shard, completed::int AS completed, failed::int AS failed, dead::int AS dead
       FROM "${file.schema}".metrics WHERE queue = $1 ORDER BY minute, shard`,
      [queue],
    );
    return rows;
  }

  it('meta_is_stored_as_json_text_in_the_callers_key_order_and_an_empty_map_as_null', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const withMeta = newJob(queue, { meta: { zeta: '1', alpha: '2', 'x.y:z-1': 'três' } });
    const empty = newJob(queue, { meta: {} });
    await driver.enqueueMany([withMeta, empty], T0);
    const { rows } = await file.pool.query(`SELECT id, meta FROM "${file.schema}".jobs WHERE queue = $1 ORDER BY id`, [queue]);
    expect(rows).toEqual([
      { id: withMeta.id, meta: '{"zeta":"1","alpha":"2","x.y:z-1":"três"}' },
      { id: empty.id, meta: null },
    ]);
    const inspected = await driver.inspect({ queue, id: withMeta.id });
    expect(Object.keys(inspected?.meta ?? {})).toEqual(['zeta', 'alpha', 'x.y:z-1']);
    expect(await driver.inspect({ queue, id: empty.id })).not.toHaveProperty('meta');
  });

  it('meta_is_kept_by_retry_release_reclaim_and_requeue_and_a_repeated_enqueue_leaves_it_alone', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const meta = { tenant: 't-1', 'trace.id': 'abc' };
    const job = newJob(queue, { meta, idempotencyKey: 'k' });
    await driver.enqueue(job, T0);
    expect(await driver.enqueue(newJob(queue, { idempotencyKey: 'k', meta: { other: 'x' } }), T0)).toEqual({ id: job.id, existed: true });
    expect(await driver.enqueue({ ...job, meta: { other: 'x' } }, T0)).toEqual({ id: job.id, existed: true });
    let lease = await reserveOne(driver, queue, T0);
    await driver.retry(lease, { attempts: 1, failedAt: T0 + 1 }, T0 + 1);
    lease = await reserveOne(driver, queue, T0 + 2);
    await driver.release(lease, T0 + 3);
    // Reserved and left to expire: the next reserve reclaims it.
    await reserveOne(driver, queue, T0 + 4);
    lease = await reserveOne(driver, queue, T0 + 4 + LEASE);
    expect(await driver.inspect({ queue, id: job.id })).toMatchObject({ reclaims: 1, meta });
    await driver.fail(lease, { attempts: 2, failedAt: T0 + 5 + LEASE, reason: 'r' }, T0 + 5 + LEASE);
    await driver.requeueDlq({ queue, id: job.id }, { now: T0 + 6 + LEASE });
    lease = await reserveOne(driver, queue, T0 + 7 + LEASE);
    await driver.fail(lease, { attempts: 3, failedAt: T0 + 8 + LEASE, reason: 'r' }, T0 + 8 + LEASE);
    expect(await driver.requeueDlqMany(queue, { now: T0 + 9 + LEASE })).toBe(1);
    const [reserved] = (await driver.reserve({ queue, limit: 1, leaseMs: LEASE, now: T0 + 10 + LEASE })).jobs;
    expect(reserved?.job).toMatchObject({ id: job.id, attempts: 3, meta });
    expect((await driver.list({ queue, limit: 10 })).jobs.map((listed) => listed.meta)).toEqual([meta]);
  });

  it('meta_comes_back_from_the_flow_reserve_and_is_kept_by_snooze_and_hold_back', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const meta = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const job = newJob(queue, { group: 'tenant', priority: 2, meta });
    await driver.enqueue(job, T0);
    let lease = await reserveOne(driver, queue, T0);
    await driver.snooze(lease, T0 + 10, T0 + 1);
    const again = await driver.reserve({ queue, limit: 1, leaseMs: LEASE, now: T0 + 10 });
    expect(again.jobs[0]?.job.meta).toEqual(meta);
    lease = (again.jobs[0] as { lease: Lease }).lease;
    await driver.holdBack(lease, T0 + 20, T0 + 11);
    const third = await driver.reserve({ queue, limit: 1, leaseMs: LEASE, now: T0 + 20 });
    expect(third.jobs[0]?.job).toMatchObject({ id: job.id, meta, snoozes: 1 });
  });

  it('outcomes_count_in_the_minute_of_the_callers_now_and_release_counts_nothing', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    await driver.enqueueMany(
      Array.from({ length: 6 }, () => newJob(queue)),
      T0,
    );
    const leases = (await driver.reserve({ queue, limit: 6, leaseMs: 10 * LEASE, now: T0 })).jobs.map((reserved) => reserved.lease);
    const [a, b, c, d, e, f] = leases as [Lease, Lease, Lease, Lease, Lease, Lease];
    await driver.ack(a, T0 + 59_999);
    await driver.ackMany([b, c], T0 + MINUTE);
    await driver.retry(d, { attempts: 1, failedAt: T0 + MINUTE, lastError: 'x' }, T0 + MINUTE + 1);
    await driver.fail(e, { attempts: 1, failedAt: T0 + MINUTE, reason: 'poison' }, T0 + 2 * MINUTE);
    await driver.release(f, T0 + 2 * MINUTE);
    // A repeated ack and fail succeed and count nothing more.
    await driver.ack(a, T0 + 59_999);
    await driver.fail(e, { attempts: 1, failedAt: T0 + MINUTE, reason: 'poison' }, T0 + 2 * MINUTE);
    expect(await driver.metrics(queue, { from: T0 + 30_000, to: T0 + 3 * MINUTE + 1 })).toEqual([
      { minute: T0, completed: 1, failed: 0, dead: 0 },
      { minute: T0 + MINUTE, completed: 2, failed: 1, dead: 0 },
      { minute: T0 + 2 * MINUTE, completed: 0, failed: 1, dead: 1 },
      { minute: T0 + 3 * MINUTE, completed: 0, failed: 0, dead: 0 },
    ]);
  });

  it('an_ack_that_finishes_a_cancel_requested_job_as_cancelled_counts_nothing', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    await driver.enqueueMany([newJob(queue), newJob(queue)], T0);
    const leases = (await driver.reserve({ queue, limit: 2, leaseMs: LEASE, now: T0 })).jobs.map((reserved) => reserved.lease);
    const [cancelled, done] = leases as [Lease, Lease];
    expect((await driver.cancel({ queue, id: cancelled.jobId }, { now: T0 + 1 })).status).toBe('cancelling');
    await driver.ackMany([cancelled, done], T0 + 2);
    expect(await driver.inspect({ queue, id: cancelled.jobId })).toMatchObject({ status: 'cancelled' });
    expect(await metricRows(queue)).toEqual([expect.objectContaining({ minute: T0, completed: 1, failed: 0, dead: 0 })]);
  });

  it('each_connection_adds_to_its_own_shard_of_the_minute_and_metrics_sums_the_shards', async () => {
    const queue = uniqueQueue();
    const pools = [0, 1, 2].map(() => {
      const pool = new pg.Pool({ connectionString: databaseUrl(), max: 1 });
      pool.on('error', () => undefined);
      return pool;
    });
    const drivers = pools.map((pool) => new PostgresDriver({ pool, schema: file.schema }));
    try {
      const pids: number[] = [];
      for (const pool of pools) pids.push((await pool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
      const setup = drivers[0] as PostgresDriver;
      await setup.enqueueMany(
        Array.from({ length: 9 }, () => newJob(queue)),
        T0,
      );
      const leases = (await setup.reserve({ queue, limit: 9, leaseMs: LEASE, now: T0 })).jobs.map((reserved) => reserved.lease);
      // Three acks per connection (driver 0 twice, driver 1 three times, driver 2 four times), all in one minute.
      const plan = [0, 0, 1, 1, 1, 2, 2, 2, 2];
      await Promise.all(plan.map((which, index) => (drivers[which] as PostgresDriver).ack(leases[index] as Lease, T0 + 1000 + index)));
      const expected = new Map<number, number>();
      plan.forEach((which) => {
        const shard = (pids[which] as number) % 16;
        expected.set(shard, (expected.get(shard) ?? 0) + 1);
      });
      const rows = await metricRows(queue);
      expect(new Map(rows.map((row) => [row.shard, row.completed]))).toEqual(expected);
      expect(rows.every((row) => row.minute === T0)).toBe(true);
      expect(await setup.metrics(queue, { from: T0, to: T0 + MINUTE })).toEqual([{ minute: T0, completed: 9, failed: 0, dead: 0 }]);
    } finally {
      for (const driver of drivers) await driver.close();
      for (const pool of pools) await pool.end();
    }
  });

  it('the_sweep_deletes_minutes_past_retention_in_bounded_steps_and_keeps_the_rest', async () => {
    const queue = uniqueQueue();
    const now = T0 + 3 * METRICS_RETENTION_MS;
    const firstKept = now - METRICS_RETENTION_MS - (now % MINUTE);
    await file.pool.query(`DELETE FROM "${file.schema}".metrics`);
    // 25 rows of minutes before the cutoff, and the cutoff minute and the newest one, which stay.
    await file.pool.query(
      `INSERT INTO "${file.schema}".metrics (queue, minute, shard, completed)
       SELECT $1, $2::bigint - (n / 5 + 1) * $3::bigint, n % 5, 1 FROM generate_series(0, 24) AS n
       UNION ALL SELECT $1, $2::bigint, 0, 7
       UNION ALL SELECT $1, $4::bigint, 3, 8`,
      [queue, firstKept, MINUTE, now - (now % MINUTE)],
    );
    const db = new Database(file.pool, file.schema);
    // Steps of 10: 10, 10, then 5 (fewer than a step: the last).
    expect(await trimMetrics(db, now, 10)).toBe(3);
    expect((await metricRows(queue)).map((row) => [row.minute, row.completed])).toEqual([
      [firstKept, 7],
      [now - (now % MINUTE), 8],
    ]);
  });

  it('the_driver_sweeps_old_minutes_once_its_outcomes_reach_a_later_minute', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    await driver.enqueueMany(
      Array.from({ length: 3 }, () => newJob(queue)),
      T0,
    );
    const leases = (await driver.reserve({ queue, limit: 3, leaseMs: 4 * METRICS_RETENTION_MS, now: T0 })).jobs.map((reserved) => reserved.lease);
    await driver.ack(leases[0] as Lease, T0);
    await driver.ack(leases[1] as Lease, T0 + 2 * MINUTE);
    expect((await metricRows(queue)).map((row) => row.minute)).toEqual([T0, T0 + 2 * MINUTE]);
    // A day and a minute after T0: T0's minute is past retention, T0 + 2 minutes is not.
    await driver.ack(leases[2] as Lease, T0 + METRICS_RETENTION_MS + MINUTE);
    expect((await metricRows(queue)).map((row) => row.minute)).toEqual([T0 + 2 * MINUTE, T0 + METRICS_RETENTION_MS + MINUTE]);
  });

  it('register_worker_upserts_and_deletes_at_most_100_expired_entries_in_the_same_statement', async () => {
    const driver = await file.driver();
    await file.pool.query(`DELETE FROM "${file.schema}".workers`);
    await file.pool.query(
      `INSERT INTO "${file.schema}".workers (id, info, started_at, last_seen_at, expires_at)
       SELECT 'old-' || lpad(n::text, 3, '0'), '{}'::jsonb, 0, 0, $1::bigint + n FROM generate_series(1, 130) AS n`,
      [T0],
    );
    await driver.registerWorker(worker('w-live'), { now: T0 + 200, ttlMs: 5_000 });
    const count = async (): Promise<number> =>
      (await file.pool.query(`SELECT count(*)::int AS n FROM "${file.schema}".workers WHERE id LIKE 'old-%'`)).rows[0].n;
    // The 100 that expired first go; 30 are left for the next registration.
    expect(await count()).toBe(30);
    await driver.registerWorker(worker('w-live', { running: 3 }), { now: T0 + 300, ttlMs: 5_000 });
    expect(await count()).toBe(0);
    expect(await driver.workers({ now: T0 + 300 })).toEqual([
      { ...worker('w-live', { running: 3 }), lastSeenAt: T0 + 300, expiresAt: T0 + 5_300 },
    ]);
  });

  it('workers_lists_live_entries_newest_started_first_and_remove_worker_says_whether_one_was_there', async () => {
    const driver = await file.driver();
    await file.pool.query(`DELETE FROM "${file.schema}".workers`);
    await driver.registerWorker(worker('w-b', { startedAt: T0 + 5 }), { now: T0 + 10, ttlMs: 1_000 });
    await driver.registerWorker(worker('w-a', { startedAt: T0 + 5 }), { now: T0 + 10, ttlMs: 2_000 });
    await driver.registerWorker(worker('w-c', { startedAt: T0 + 9, queues: ['z', 'y'] }), { now: T0 + 10, ttlMs: 2_000 });
    expect((await driver.workers({ now: T0 + 500 })).map((entry) => entry.id)).toEqual(['w-c', 'w-a', 'w-b']);
    expect((await driver.workers({ now: T0 + 500 }))[0]?.queues).toEqual(['z', 'y']);
    // w-b expires at T0 + 1010: not listed at that moment.
    expect((await driver.workers({ now: T0 + 1_010 })).map((entry) => entry.id)).toEqual(['w-c', 'w-a']);
    expect(await driver.removeWorker('w-a')).toBe(true);
    expect(await driver.removeWorker('w-a')).toBe(false);
    expect((await driver.workers({ now: T0 + 500 })).map((entry) => entry.id)).toEqual(['w-c', 'w-b']);
  });

  it('bad_worker_input_is_a_validation_error_with_nothing_written', async () => {
    const driver = await file.driver();
    await file.pool.query(`DELETE FROM "${file.schema}".workers`);
    await expect(driver.registerWorker(worker('w-x', { queues: [] }), { now: T0, ttlMs: 5_000 })).rejects.toBeInstanceOf(ValidationError);
    await expect(driver.registerWorker(worker('w-x'), { now: T0, ttlMs: 10 })).rejects.toBeInstanceOf(ValidationError);
    await expect(driver.removeWorker('')).rejects.toBeInstanceOf(ValidationError);
    await expect(driver.metrics(uniqueQueue(), { from: T0, to: T0 + METRICS_RETENTION_MS + 1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(driver.enqueue(newJob(uniqueQueue(), { meta: { ok: 1 as unknown as string } }), T0)).rejects.toBeInstanceOf(ValidationError);
    const { rows } = await file.pool.query(`SELECT count(*)::int AS n FROM "${file.schema}".workers`);
    expect(rows[0].n).toBe(0);
  });
});
