import { ValidationError } from '@taskharbor/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresDriver, SCHEMA_VERSION, SchemaVersionError } from '../src/index.js';
import { databaseUrl, dropSchema, fileSchema, newJob, SKIP_POSTGRES, T0, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

describe.skipIf(SKIP_POSTGRES)('schema and migrations', () => {
  const file = usePostgresFile('migrations');

  it('drivers_starting_together_migrate_the_schema_once', async () => {
    const schema = fileSchema('together');
    try {
      const drivers = await Promise.all(
        Array.from({ length: 4 }, () => PostgresDriver.connect({ connectionString: databaseUrl(), schema })),
      );
      const { rows } = await file.pool.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
      expect(rows.map((row) => row.version)).toEqual([SCHEMA_VERSION]);
      const queue = uniqueQueue();
      await (drivers[0] as PostgresDriver).enqueue(newJob(queue), T0);
      expect((await (drivers[3] as PostgresDriver).counts(queue)).ready).toBe(1);
      await Promise.all(drivers.map((driver) => driver.close()));
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
