import { BULK_STEP_SIZE, type Lease } from '@taskharbor/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresDriver } from '../src/index.js';
import { databaseUrl, newJob, SKIP_POSTGRES, T0, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

/** Enqueues `count` jobs, reserves them all and returns their leases. */
async function reserveAll(driver: PostgresDriver, queue: string, count: number, now: number): Promise<Lease[]> {
  await driver.enqueueMany(
    Array.from({ length: count }, () => newJob(queue)),
    now,
  );
  const { jobs } = await driver.reserve({ queue, limit: count, leaseMs: 600_000, now });
  expect(jobs).toHaveLength(count);
  return jobs.map((reserved) => reserved.lease);
}

async function doneIds(pool: pg.Pool, schema: string, queue: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM "${schema}".jobs WHERE queue = $1 AND status = 'done' ORDER BY id`, [queue]);
  return rows.map((row) => row.id);
}

describe.skipIf(SKIP_POSTGRES)('done retention on PostgreSQL, applied by the ack itself', () => {
  const file = usePostgresFile('retention');

  it('an_ack_and_its_retention_are_one_statement', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
    const names: string[] = [];
    const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
    (pool as unknown as { query: typeof query }).query = (config: pg.QueryConfig) => {
      names.push(String(config.name ?? config.text).replace(/^th_[0-9a-f]+_/, ''));
      return query(config);
    };
    const removeAll = new PostgresDriver({ pool, schema: file.schema, retention: { maxDoneCount: 0 } });
    const keepOne = new PostgresDriver({ pool, schema: file.schema, retention: { maxDoneCount: 1 } });
    try {
      const queue = uniqueQueue();
      const [first, second] = await reserveAll(removeAll, queue, 2, T0);
      names.length = 0;
      // A count of 0: the ack that only deletes.
      await removeAll.ack(first as Lease, T0 + 1);
      expect(names).toEqual(['ackRemove']);
      expect(await removeAll.inspect({ queue, id: (first as Lease).jobId })).toBeUndefined();
      names.length = 0;
      await keepOne.ack(second as Lease, T0 + 2);
      expect(names).toEqual(['ack']);
      expect(await doneIds(file.pool, file.schema, queue)).toEqual([(second as Lease).jobId]);
    } finally {
      await removeAll.close();
      await keepOne.close();
      await pool.end();
    }
  });

  it('an_ack_that_keeps_no_finished_job_deletes_it_counts_it_and_trims_those_kept_before', async () => {
    const queue = uniqueQueue();
    const keepAll = await file.driver({ retention: { maxDoneCount: Number.POSITIVE_INFINITY, maxDoneAgeMs: Number.POSITIVE_INFINITY } });
    const kept = await reserveAll(keepAll, queue, 3, T0);
    await keepAll.ackMany(kept, T0 + 1);
    expect(await doneIds(file.pool, file.schema, queue)).toHaveLength(3);

    const removeAll = await file.driver({ retention: { maxDoneCount: 0 } });
    const leases = await reserveAll(removeAll, queue, 4, T0 + 10);
    const cancelled = leases[0] as Lease;
    await removeAll.cancel({ queue, id: cancelled.jobId }, { now: T0 + 11 });
    // Its waiter hears of the removal at once (JobNotFoundError), not at its timeout.
    const finish = removeAll.waitForFinish({ queue, id: cancelled.jobId }, AbortSignal.timeout(5_000));
    finish.catch(() => undefined);
    const stale = { ...(leases[1] as Lease), token: 'not-the-token' };
    const outcomes = await removeAll.ackMany([...leases, stale], T0 + 12);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true, true, false]);
    expect(outcomes[4]).toMatchObject({ ok: false, error: { code: 'LEASE_MISMATCH' } });
    // Every finished job is gone: the four just acked (one of them cancelled) and the three kept before.
    expect(await removeAll.counts(queue)).toMatchObject({ done: 0, cancelled: 0, inflight: 0 });
    await expect(finish).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    // Completed runs only: the cancelled one is not counted.
    const minutes = await removeAll.metrics(queue, { from: T0, to: T0 + 12 });
    expect(minutes.reduce((sum, minute) => sum + minute.completed, 0)).toBe(3 + 3);
  });

  it('a_backlog_of_done_jobs_past_one_step_is_trimmed_to_the_count_by_the_next_ack', async () => {
    const queue = uniqueQueue();
    const keepAll = await file.driver({ retention: { maxDoneCount: Number.POSITIVE_INFINITY, maxDoneAgeMs: Number.POSITIVE_INFINITY } });
    const total = BULK_STEP_SIZE * 2 + 100;
    const leases = await reserveAll(keepAll, queue, total, T0);
    for (let i = 0; i < total; i += 500) await keepAll.ackMany(leases.slice(i, i + 500), T0 + 1 + i);
    expect(await doneIds(file.pool, file.schema, queue)).toHaveLength(total);

    const keepTen = await file.driver({ retention: { maxDoneCount: 10, maxDoneAgeMs: Number.POSITIVE_INFINITY } });
    const [last] = await reserveAll(keepTen, queue, 1, T0 + 10_000);
    await keepTen.ack(last as Lease, T0 + 10_001);
    const kept = await doneIds(file.pool, file.schema, queue);
    expect(kept).toHaveLength(10);
    // The newest ten: the job just acked and the last nine of the backlog.
    expect(kept).toContain((last as Lease).jobId);
    expect(kept).toContain((leases.at(-1) as Lease).jobId);
    expect(kept).not.toContain((leases.at(-10) as Lease).jobId);
  });

  it('a_backlog_of_old_done_jobs_past_one_step_is_trimmed_by_age_by_the_next_ack', async () => {
    const queue = uniqueQueue();
    const keepAll = await file.driver({ retention: { maxDoneCount: Number.POSITIVE_INFINITY, maxDoneAgeMs: Number.POSITIVE_INFINITY } });
    const total = BULK_STEP_SIZE + 300;
    const leases = await reserveAll(keepAll, queue, total, T0);
    await keepAll.ackMany(leases.slice(0, 1000), T0 + 1);
    await keepAll.ackMany(leases.slice(1000), T0 + 2);

    const young = await file.driver({ retention: { maxDoneCount: Number.POSITIVE_INFINITY, maxDoneAgeMs: 60_000 } });
    const [fresh] = await reserveAll(young, queue, 1, T0 + 100_000);
    await young.ack(fresh as Lease, T0 + 100_001);
    expect(await doneIds(file.pool, file.schema, queue)).toEqual([(fresh as Lease).jobId]);
  });

  it('a_batch_beyond_the_count_keeps_its_newest_by_id_and_removes_the_rest_at_once', async () => {
    const queue = uniqueQueue();
    const driver = await file.driver({ retention: { maxDoneCount: 3 } });
    const older = await reserveAll(driver, queue, 2, T0);
    await driver.ackMany(older, T0 + 1);
    const batch = await reserveAll(driver, queue, 5, T0 + 2);
    const outcomes = await driver.ackMany(batch, T0 + 3);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    // Ties on the finish time go by id, newest first, as a separate trim would order them.
    const expected = batch.map((lease) => lease.jobId).sort().slice(-3);
    expect(await doneIds(file.pool, file.schema, queue)).toEqual(expected);
    // A repeated ack of a job kept still succeeds; one of a job removed at once finds nothing.
    const keptLease = batch.find((lease) => lease.jobId === expected[0]) as Lease;
    await driver.ack(keptLease, T0 + 4);
    const removedLease = batch.find((lease) => !expected.includes(lease.jobId)) as Lease;
    await expect(driver.ack(removedLease, T0 + 4)).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
  });

  it('jobs_finished_in_the_same_millisecond_by_separate_acks_rank_by_id_as_one_ack_would', async () => {
    const driver = await file.driver({ retention: { maxDoneCount: 2 } });
    // For each job acked first, the other two follow in one ackMany at the same now: the two highest ids stay.
    for (const first of [0, 1, 2]) {
      const queue = uniqueQueue();
      const leases = await reserveAll(driver, queue, 3, T0);
      const ids = leases.map((lease) => lease.jobId).sort();
      await driver.ack(leases[first] as Lease, T0 + 5);
      const outcomes = await driver.ackMany(
        leases.filter((_, i) => i !== first),
        T0 + 5,
      );
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      expect(await doneIds(file.pool, file.schema, queue), `first acked: job ${first}`).toEqual(ids.slice(1));
    }
  });

  it('concurrent_acks_of_one_queue_from_several_drivers_all_succeed_and_keep_the_count', async () => {
    const queue = uniqueQueue();
    const drivers = await Promise.all(Array.from({ length: 4 }, () => file.driver({ retention: { maxDoneCount: 5 } })));
    const leases = await reserveAll(drivers[0] as PostgresDriver, queue, 400, T0);
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (drivers[i % 4] as PostgresDriver).ackMany(leases.slice(i * 10, i * 10 + 10), T0 + 1 + i)),
    );
    expect(outcomes.flat().filter((outcome) => !outcome.ok)).toEqual([]);
    // Each ack trims what its snapshot saw, so jobs acked at the same moment may outlive the count until the next ack.
    expect((await doneIds(file.pool, file.schema, queue)).length).toBeGreaterThanOrEqual(5);
    const next = await reserveAll(drivers[0] as PostgresDriver, queue, 1, T0 + 100);
    await (drivers[0] as PostgresDriver).ack(next[0] as Lease, T0 + 101);
    expect(await doneIds(file.pool, file.schema, queue)).toHaveLength(5);
  });
});
