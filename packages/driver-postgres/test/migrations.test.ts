import { ValidationError } from '@taskharbor/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresDriver, SCHEMA_VERSION, SchemaVersionError } from '../src/index.js';
import v001 from '../src/sql/migrations/001-jobs.sql';
import v002 from '../src/sql/migrations/002-schedules.sql';
import v003 from '../src/sql/migrations/003-flow-control.sql';
import v004 from '../src/sql/migrations/004-observability.sql';
import v005 from '../src/sql/migrations/005-flow-reserve-pages.sql';
import { databaseUrl, dropSchema, fileSchema, newJob, SKIP_POSTGRES, T0, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

describe.skipIf(SKIP_POSTGRES)('schema and migrations', () => {
  const file = usePostgresFile('migrations');

  /** A schema as an older release left it: the given migrations applied and recorded, no job yet. */
  const schemaAt = async (schema: string, migrations: string[]): Promise<void> => {
    await file.pool.query(`CREATE SCHEMA "${schema}"`);
    await file.pool.query(`CREATE TABLE "${schema}".schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)`);
    for (const source of migrations) await file.pool.query(source.replaceAll('{{schema}}', `"${schema}"`));
    await file.pool.query(`INSERT INTO "${schema}".schema_version (version, applied_at) SELECT v, $1 FROM generate_series(1, $2::int) AS v`, [
      T0,
      migrations.length,
    ]);
  };

  it('drivers_starting_together_migrate_the_schema_once', async () => {
    const schema = fileSchema('together');
    try {
      const drivers = await Promise.all(
        Array.from({ length: 4 }, () => PostgresDriver.connect({ connectionString: databaseUrl(), schema })),
      );
      const { rows } = await file.pool.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
      expect(rows.map((row) => row.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      const queue = uniqueQueue();
      await (drivers[0] as PostgresDriver).enqueue(newJob(queue), T0);
      expect((await (drivers[3] as PostgresDriver).counts(queue)).ready).toBe(1);
      await Promise.all(drivers.map((driver) => driver.close()));
    } finally {
      await dropSchema(file.pool, schema);
    }
  });

  it('a_version_1_schema_upgrades_in_place_and_its_jobs_read_as_before', async () => {
    const schema = fileSchema('upgrade');
    const queue = uniqueQueue();
    try {
      // The schema as the first release left it: migration 1 only, holding one job.
      await schemaAt(schema, [v001]);
      await file.pool.query(
        `INSERT INTO "${schema}".jobs (queue, id, type, payload, created_at, max_attempts, status, position)
         VALUES ($1, 'from-version-1', 'test.job', '\\x0102', $2, 3, 'ready', 1)`,
        [queue, T0],
      );
      const driver = await PostgresDriver.connect({ connectionString: databaseUrl(), schema });
      const { rows } = await file.pool.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
      expect(rows.map((row) => row.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      expect(await driver.inspect({ queue, id: 'from-version-1' })).toEqual({
        id: 'from-version-1',
        type: 'test.job',
        queue,
        payload: Uint8Array.of(1, 2),
        createdAt: T0,
        maxAttempts: 3,
        status: 'ready',
        attempts: 0,
        reclaims: 0,
      });
      const made = newJob(queue, { schedule: 'nightly', scheduledFor: T0 });
      await driver.enqueue(made, T0);
      expect(await driver.inspect({ queue, id: made.id })).toMatchObject({ schedule: 'nightly', scheduledFor: T0 });
      await driver.close();
    } finally {
      await dropSchema(file.pool, schema);
    }
  });

  it('a_version_2_schema_with_waiting_running_and_scheduled_jobs_upgrades_and_they_keep_working', async () => {
    const schema = fileSchema('upgrade2');
    const queue = uniqueQueue();
    try {
      await schemaAt(schema, [v001, v002]);
      await file.pool.query(`INSERT INTO "${schema}".queues (name) VALUES ($1)`, [queue]);
      // Two waiting jobs (the second released to the head), one running, one scheduled, as version 2 stored them.
      await file.pool.query(
        `INSERT INTO "${schema}".jobs (queue, id, type, payload, created_at, max_attempts, status, position, run_at, lease_token, lease_expires_at)
         VALUES ($1, 'a-ready', 't', '\\x01', $2, 3, 'ready', nextval('"${schema}".ready_position'), NULL, NULL, NULL),
                ($1, 'b-released', 't', '\\x01', $2, 3, 'ready', nextval('"${schema}".release_position'), NULL, 'old', NULL),
                ($1, 'c-running', 't', '\\x01', $2, 3, 'inflight', NULL, NULL, 'tok', $2 + 60000),
                ($1, 'd-scheduled', 't', '\\x01', $2, 3, 'scheduled', NULL, $2 + 10, NULL, NULL)`,
        [queue, T0],
      );
      const driver = await PostgresDriver.connect({ connectionString: databaseUrl(), schema });
      const { rows } = await file.pool.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
      expect(rows.map((row) => row.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      await driver.ack({ queue, jobId: 'c-running', token: 'tok', expiresAt: T0 + 60_000 }, T0 + 1);
      const order = await driver.reserve({ queue, limit: 5, leaseMs: 1_000, now: T0 + 20 });
      expect(order.jobs.map((reserved) => reserved.job.id)).toEqual(['b-released', 'a-ready', 'd-scheduled']);
      expect(order.jobs[0]?.job).not.toHaveProperty('priority');
      expect(order.jobs[0]?.job).not.toHaveProperty('group');
      expect(await driver.counts(queue)).toMatchObject({ inflight: 3, done: 1 });
      // The old queue takes flow control from here on.
      await driver.enqueue(newJob(queue, { group: 'g', priority: -1 }), T0 + 30);
      await driver.setQueueLimits(queue, { concurrency: 4 });
      expect((await driver.reserve({ queue, limit: 5, leaseMs: 1_000, now: T0 + 40 })).jobs.map((r) => r.job.group)).toEqual(['g']);
      await driver.close();
    } finally {
      await dropSchema(file.pool, schema);
    }
  });

  it('a_version_3_schema_with_jobs_upgrades_without_a_rewrite_and_they_keep_working_and_count', async () => {
    const schema = fileSchema('upgrade3');
    const queue = uniqueQueue();
    try {
      await schemaAt(schema, [v001, v002, v003]);
      await file.pool.query(`INSERT INTO "${schema}".queues (name) VALUES ($1)`, [queue]);
      await file.pool.query(
        `INSERT INTO "${schema}".jobs (queue, id, type, payload, created_at, max_attempts, status, position, lease_token, lease_expires_at, group_name)
         VALUES ($1, 'a-ready', 't', '\\x01', $2, 3, 'ready', nextval('"${schema}".ready_position'), NULL, NULL, NULL),
                ($1, 'b-running', 't', '\\x01', $2, 3, 'inflight', NULL, 'tok', $2 + 60000, NULL)`,
        [queue, T0],
      );
      const fileNode = async (): Promise<number> =>
        (await file.pool.query(`SELECT pg_relation_filenode('"${schema}".jobs')::int AS node`)).rows[0].node;
      const before = await fileNode();
      const driver = await PostgresDriver.connect({ connectionString: databaseUrl(), schema });
      const { rows } = await file.pool.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
      expect(rows.map((row) => row.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      // Adding the nullable meta column rewrote no row: the table keeps its file.
      expect(await fileNode()).toBe(before);
      expect(await driver.inspect({ queue, id: 'a-ready' })).not.toHaveProperty('meta');
      await driver.ack({ queue, jobId: 'b-running', token: 'tok', expiresAt: T0 + 60_000 }, T0 + 1);
      const made = newJob(queue, { meta: { traceparent: 'x' } });
      await driver.enqueue(made, T0 + 2);
      const order = await driver.reserve({ queue, limit: 5, leaseMs: 1_000, now: T0 + 3 });
      expect(order.jobs.map((reserved) => [reserved.job.id, reserved.job.meta])).toEqual([
        ['a-ready', undefined],
        [made.id, { traceparent: 'x' }],
      ]);
      expect(await driver.metrics(queue, { from: T0, to: T0 + 1 })).toEqual([{ minute: T0, completed: 1, failed: 0, dead: 0 }]);
      await driver.close();
    } finally {
      await dropSchema(file.pool, schema);
    }
  });

  it('a_version_5_schema_loses_jobs_status_without_a_rewrite_and_its_jobs_keep_working_and_count', async () => {
    const schema = fileSchema('upgrade5');
    const queue = uniqueQueue();
    try {
      await schemaAt(schema, [v001, v002, v003, v004, v005]);
      await file.pool.query(`INSERT INTO "${schema}".queues (name) VALUES ($1)`, [queue]);
      await file.pool.query(
        `INSERT INTO "${schema}".jobs (queue, id, type, payload, created_at, max_attempts, status, position, lease_token, lease_expires_at, group_name, ended_at, attempts)
         VALUES ($1, 'a-ready', 't', '\\x01', $2, 3, 'ready', nextval('"${schema}".ready_position'), NULL, NULL, NULL, NULL, 0),
                ($1, 'b-running', 't', '\\x01', $2, 3, 'inflight', NULL, 'tok', $2 + 60000, 'g', NULL, 1),
                ($1, 'c-done', 't', '\\x01', $2, 3, 'done', NULL, 'old', NULL, NULL, $2, 1),
                ($1, 'd-dead', 't', '\\x01', $2, 1, 'dlq', NULL, 'old', NULL, NULL, $2, 1)`,
        [queue, T0],
      );
      const fileNode = async (): Promise<number> =>
        (await file.pool.query(`SELECT pg_relation_filenode('"${schema}".jobs')::int AS node`)).rows[0].node;
      const before = await fileNode();
      const driver = await PostgresDriver.connect({ connectionString: databaseUrl(), schema });
      const { rows: versions } = await file.pool.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
      expect(versions.map((row) => row.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      expect(await fileNode()).toBe(before);
      const { rows: indexes } = await file.pool.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'jobs'`, [schema]);
      const names = indexes.map((row) => row.indexname);
      expect(names).not.toContain('jobs_status');
      expect(names).toContain('jobs_inflight_group');
      expect(await driver.counts(queue)).toEqual({ ready: 1, scheduled: 0, inflight: 1, done: 1, dlq: 1, cancelled: 0, paused: false });
      expect((await driver.groupState(queue, 'g')).inflight).toBe(1);
      const order = await driver.reserve({ queue, limit: 5, leaseMs: 1_000, now: T0 + 1 });
      expect(order.jobs.map((reserved) => reserved.job.id)).toEqual(['a-ready']);
      await driver.ack({ queue, jobId: 'b-running', token: 'tok', expiresAt: T0 + 60_000 }, T0 + 2);
      expect((await driver.groupState(queue, 'g')).inflight).toBe(0);
      await driver.requeueDlq({ queue, id: 'd-dead' }, { now: T0 + 3 });
      expect(await driver.purge(queue, { status: 'done' })).toBe(2);
      expect(await driver.counts(queue)).toMatchObject({ ready: 1, inflight: 1, done: 0, dlq: 0 });
      await driver.close();
    } finally {
      await dropSchema(file.pool, schema);
    }
  });

  it('a_schema_newer_than_the_driver_is_refused_and_left_as_it_is', async () => {
    const driver = await file.driver();
    await driver.enqueue(newJob(uniqueQueue()), T0);
    await file.pool.query(`INSERT INTO "${file.schema}".schema_version (version, applied_at) VALUES ($1, $2)`, [
      SCHEMA_VERSION + 1,
      T0,
    ]);
    try {
      const refused = await PostgresDriver.connect({ connectionString: databaseUrl(), schema: file.schema }).catch((e) => e);
      expect(refused).toBeInstanceOf(SchemaVersionError);
      expect(refused.message).toContain(`version ${SCHEMA_VERSION + 1}`);
      const { rows } = await file.pool.query(`SELECT count(*)::int AS jobs FROM "${file.schema}".jobs`);
      expect(rows[0].jobs).toBe(1);
    } finally {
      await file.pool.query(`DELETE FROM "${file.schema}".schema_version WHERE version > $1`, [SCHEMA_VERSION]);
    }
  });

  it('an_invalid_schema_name_is_a_validation_error_before_anything_is_created', async () => {
    for (const schema of ['', 'Upper', 'with-dash', 'a"b', '1starts_with_digit']) {
      const error = await PostgresDriver.connect({ connectionString: databaseUrl(), schema }).catch((e) => e);
      expect(error, schema).toBeInstanceOf(ValidationError);
      expect(error.field).toBe('schema');
    }
  });

  it('a_driver_on_the_apps_pool_migrates_on_first_use_and_never_ends_the_pool', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
    const schema = fileSchema('own_pool');
    try {
      const driver = new PostgresDriver({ pool, schema });
      const queue = uniqueQueue();
      expect(await driver.enqueue(newJob(queue), T0)).toMatchObject({ existed: false });
      await driver.close();
      const { rows } = await pool.query('SELECT 1 AS still_open');
      expect(rows[0].still_open).toBe(1);
    } finally {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });
});
