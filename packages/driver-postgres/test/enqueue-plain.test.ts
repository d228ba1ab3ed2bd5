import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresDriver } from '../src/index.js';
import { databaseUrl, newJob, SKIP_POSTGRES, T0, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

/**
 * Enqueue's two statements: the plain insert for batches without
 * idempotency keys, and the full statement, run for a batch with keys or
 * after the plain insert met a known id. The driver runs on a pool that
 * records the operation of every prepared statement it sends.
 */
describe.skipIf(SKIP_POSTGRES)('enqueue by the plain insert, and its fallback', () => {
  const file = usePostgresFile('enqueue_plain');
  let pool: pg.Pool;
  const sent: string[] = [];
  const live: PostgresDriver[] = [];

  beforeAll(() => {
    pool = new pg.Pool({ connectionString: databaseUrl(), max: 4 });
    pool.on('error', () => undefined);
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    pool.query = ((...args: unknown[]) => {
      const name = (args[0] as { name?: unknown } | undefined)?.name;
      // Statement names are th_<schema tag>_<operation>.
      if (typeof name === 'string') sent.push(name.replace(/^th_[0-9a-f]{10}_/, ''));
      return query(...args);
    }) as typeof pool.query;
  });
  afterEach(async () => {
    for (const driver of live.splice(0)) await driver.close();
  });
  afterAll(async () => {
    await pool?.end();
  });

  async function driver(): Promise<PostgresDriver> {
    const made = new PostgresDriver({ pool, schema: file.schema });
    live.push(made);
    // The first call migrates the schema; start counting after it.
    await made.counts(uniqueQueue());
    return made;
  }

  /** The enqueue statements sent since the last call. */
  function enqueueStatements(): string[] {
    return sent.splice(0).filter((name) => name.startsWith('enqueue'));
  }
  beforeEach(() => {
    sent.length = 0;
  });

  /** The ids of a queue's ready jobs in the order reserve hands them out. */
  async function readyOrder(driver: PostgresDriver, queue: string): Promise<string[]> {
    const { jobs } = await driver.reserve({ queue, limit: 1000, leaseMs: 60_000, now: T0 });
    return jobs.map((reserved) => reserved.job.id);
  }

  it('a_batch_without_idempotency_keys_goes_in_by_one_plain_insert', async () => {
    const d = await driver();
    const queue = uniqueQueue();
    const jobs = Array.from({ length: 250 }, () => newJob(queue));
    enqueueStatements();
    const results = await d.enqueueMany(jobs, T0);
    expect(enqueueStatements()).toEqual(['enqueuePlain']);
    expect(results).toEqual(jobs.map((job) => ({ id: job.id, existed: false })));
    expect(await readyOrder(d, queue)).toEqual(jobs.map((job) => job.id));
  });

  it('a_single_enqueue_goes_in_by_the_plain_insert_and_a_repeat_falls_back_and_changes_nothing', async () => {
    const d = await driver();
    const queue = uniqueQueue();
    const first = newJob(queue, { type: 'first', payload: Uint8Array.of(1) });
    expect(await d.enqueue(first, T0)).toEqual({ id: first.id, existed: false });
    expect(enqueueStatements()).toEqual(['enqueuePlain']);

    const again = { ...first, type: 'second', payload: Uint8Array.of(2), runAt: T0 + 60_000 };
    expect(await d.enqueue(again, T0 + 5)).toEqual({ id: first.id, existed: true });
    expect(enqueueStatements()).toEqual(['enqueuePlain', 'enqueue']);
    const stored = await d.inspect({ queue, id: first.id });
    expect(stored).toMatchObject({ status: 'ready', type: 'first', payload: Uint8Array.of(1) });
    expect(await d.counts(queue)).toMatchObject({ ready: 1, scheduled: 0 });
  });

  it('a_batch_with_a_known_id_falls_back_inserts_the_others_in_order_and_duplicates_nothing', async () => {
    const d = await driver();
    const queue = uniqueQueue();
    const known = newJob(queue, { type: 'known' });
    await d.enqueue(known, T0);
    const before = newJob(queue);
    const after = newJob(queue);
    enqueueStatements();

    const results = await d.enqueueMany([before, { ...known, type: 'changed' }, after], T0 + 1);
    expect(enqueueStatements()).toEqual(['enqueuePlain', 'enqueue']);
    expect(results).toEqual([
      { id: before.id, existed: false },
      { id: known.id, existed: true },
      { id: after.id, existed: false },
    ]);
    expect(await d.inspect({ queue, id: known.id })).toMatchObject({ type: 'known' });
    expect(await d.counts(queue)).toMatchObject({ ready: 3 });
    // The known job kept its place; the failed plain insert left nothing behind.
    expect(await readyOrder(d, queue)).toEqual([known.id, before.id, after.id]);
  });

  it('a_batch_whose_ids_are_all_known_answers_existed_for_each_and_adds_nothing', async () => {
    const d = await driver();
    const queue = uniqueQueue();
    const jobs = Array.from({ length: 5 }, () => newJob(queue));
    await d.enqueueMany(jobs, T0);
    enqueueStatements();
    expect(await d.enqueueMany(jobs, T0 + 1)).toEqual(jobs.map((job) => ({ id: job.id, existed: true })));
    expect(enqueueStatements()).toEqual(['enqueuePlain', 'enqueue']);
    expect(await d.counts(queue)).toMatchObject({ ready: 5 });
  });

  it('a_repeat_inside_one_call_stays_on_the_plain_insert', async () => {
    const d = await driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    const other = newJob(queue);
    const results = await d.enqueueMany([job, other, { ...job, type: 'repeat' }], T0);
    expect(enqueueStatements()).toEqual(['enqueuePlain']);
    expect(results).toEqual([
      { id: job.id, existed: false },
      { id: other.id, existed: false },
      { id: job.id, existed: true },
    ]);
    expect(await d.counts(queue)).toMatchObject({ ready: 2 });
  });

  it('a_batch_with_an_idempotency_key_goes_straight_to_the_full_statement', async () => {
    const d = await driver();
    const queue = uniqueQueue();
    const keyed = newJob(queue, { idempotencyKey: 'order-1' });
    await d.enqueue(keyed, T0);
    expect(enqueueStatements()).toEqual(['enqueue']);

    const plain = newJob(queue);
    const sameKey = newJob(queue, { idempotencyKey: 'order-1' });
    const results = await d.enqueueMany([plain, sameKey], T0 + 1);
    expect(enqueueStatements()).toEqual(['enqueue']);
    expect(results).toEqual([
      { id: plain.id, existed: false },
      { id: keyed.id, existed: true },
    ]);
    expect(await d.counts(queue)).toMatchObject({ ready: 2 });
  });

  it('a_mixed_batch_over_queues_with_a_known_id_stores_scheduled_priority_and_grouped_jobs_once', async () => {
    const d = await driver();
    const queue = uniqueQueue();
    const fresh = uniqueQueue();
    const known = newJob(queue);
    await d.enqueue(known, T0);
    const batch = [
      newJob(fresh, { group: 'g1' }),
      known,
      newJob(queue, { runAt: T0 + 60_000 }),
      newJob(fresh, { priority: 5 }),
      newJob(fresh, { group: 'g1' }),
    ];
    enqueueStatements();
    const results = await d.enqueueMany(batch, T0);
    expect(enqueueStatements()).toEqual(['enqueuePlain', 'enqueue']);
    expect(results.map((result) => result.existed)).toEqual([false, true, false, false, false]);
    expect(await d.counts(queue)).toMatchObject({ ready: 1, scheduled: 1 });
    expect(await d.counts(fresh)).toMatchObject({ ready: 3 });
    // The group joined the turn order once: its two jobs and the priority job all come out.
    const { rows } = await file.pool.query(`SELECT count(*)::int AS n FROM "${file.schema}".flow_groups WHERE queue = $1`, [fresh]);
    expect(rows[0].n).toBe(1);
    const out = await d.reserve({ queue: fresh, limit: 10, leaseMs: 60_000, now: T0 });
    expect(out.jobs.map((reserved) => reserved.job.id).sort()).toEqual([batch[0], batch[3], batch[4]].map((job) => job?.id).sort());
  });

  it('an_id_that_a_concurrent_insert_commits_first_falls_back_to_existed', async () => {
    const d = await driver();
    const queue = uniqueQueue();
    const job = newJob(queue);
    const other = newJob(queue);
    const holder = new pg.Client({ connectionString: databaseUrl() });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO "${file.schema}".jobs (queue, id, type, payload, created_at, max_attempts, status, ended_at) VALUES ($1, $2, 'theirs', '\\x00', 0, 1, 'done', 0)`,
        [queue, job.id],
      );
      const outcome = d.enqueueMany([other, job], T0);
      // The plain insert waits on the holder's uncommitted row.
      await expect
        .poll(async () => {
          const { rows } = await file.pool.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%Stores a batch of new jobs none%'",
          );
          return rows[0].n;
        })
        .toBe(1);
      await holder.query('COMMIT');
      expect(await outcome).toEqual([
        { id: other.id, existed: false },
        { id: job.id, existed: true },
      ]);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    expect(enqueueStatements()).toEqual(['enqueuePlain', 'enqueue']);
    expect(await d.inspect({ queue, id: job.id })).toMatchObject({ type: 'theirs', status: 'done' });
    expect(await d.counts(queue)).toMatchObject({ ready: 1, done: 1 });
  });
});
