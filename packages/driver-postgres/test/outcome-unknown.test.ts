import { OutcomeUnknownError } from '@taskharbor/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresOutcomeUnknownError } from '../src/index.js';
import { databaseUrl, newJob, SKIP_POSTGRES, T0, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

describe.skipIf(SKIP_POSTGRES)('a connection dropped mid-statement', () => {
  const file = usePostgresFile('outcome');

  /** Holds `lockSql` in an open transaction, runs `call`, kills the backend that waits on the lock, and rolls back. */
  async function terminateWhileBlocked(lockSql: string, lockValues: unknown[], marker: string, call: () => Promise<unknown>) {
    const holder = new pg.Client({ connectionString: databaseUrl() });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(lockSql, lockValues);
      const outcome = call().then(
        () => 'succeeded',
        (error: unknown) => error,
      );
      let pid: number | undefined;
      await expect
        .poll(async () => {
          const { rows } = await file.pool.query(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1 AND pid <> $2",
            [`%${marker}%`, (holder as unknown as { processID: number }).processID],
          );
          pid = rows[0]?.pid;
          return pid;
        })
        .toBeDefined();
      await file.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      return await outcome;
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  }

  it('an_ack_whose_connection_drops_is_outcome_unknown_and_is_not_resent', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    await driver.enqueue(newJob(queue), T0);
    const [reserved] = (await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: T0 })).jobs;
    const lease = reserved?.lease as NonNullable<typeof reserved>['lease'];
    const error = await terminateWhileBlocked(
      `SELECT 1 FROM "${file.schema}".jobs WHERE queue = $1 AND id = $2 FOR UPDATE`,
      [queue, lease.jobId],
      'Acks a batch of leases',
      () => driver.ack(lease, T0 + 1),
    );
    expect(error).toBeInstanceOf(PostgresOutcomeUnknownError);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    // Killed before it committed, and never sent again: the job is still in flight under the same lease.
    expect(await driver.inspect({ queue, id: lease.jobId })).toMatchObject({ status: 'inflight', lease: { token: lease.token } });
    await driver.ack(lease, T0 + 2);
    expect(await driver.inspect({ queue, id: lease.jobId })).toMatchObject({ status: 'done' });
  });

  it('an_enqueue_whose_connection_drops_is_outcome_unknown_and_a_resend_never_duplicates', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    const error = await terminateWhileBlocked(
      `INSERT INTO "${file.schema}".jobs (queue, id, type, payload, created_at, max_attempts, status) VALUES ($1, $2, 't', '\\x00', 0, 1, 'done')`,
      [queue, job.id],
      'Stores a batch of new jobs',
      () => driver.enqueue(job, T0),
    );
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(await driver.inspect({ queue, id: job.id })).toBeUndefined();
    expect(await driver.enqueue(job, T0)).toEqual({ id: job.id, existed: false });
    expect(await driver.enqueue(job, T0)).toEqual({ id: job.id, existed: true });
    expect((await driver.counts(queue)).ready).toBe(1);
  });
});
