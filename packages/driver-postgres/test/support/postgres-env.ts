import { randomBytes } from 'node:crypto';
import { newJobId, type NewJobRecord, type RetentionOptions } from '@taskharbor/core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type LeaseClock, PostgresDriver } from '../../src/index.js';

/**
 * The only switch for the Postgres tests: they run when DATABASE_URL is
 * set. With TASKHARBOR_REQUIRE_POSTGRES=1 (CI) they also run without it,
 * and then fail, rather than skip, because no database is named.
 */
export const POSTGRES_CONFIGURED = Boolean(process.env.DATABASE_URL);
export const POSTGRES_REQUIRED = process.env.TASKHARBOR_REQUIRE_POSTGRES === '1';
export const SKIP_POSTGRES = !POSTGRES_CONFIGURED && !POSTGRES_REQUIRED;

if (SKIP_POSTGRES) {
  console.warn('Postgres tests skipped: DATABASE_URL is not set (set it, or TASKHARBOR_REQUIRE_POSTGRES=1 to fail instead)');
}

/** The database the tests use; throws when required but not configured. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('TASKHARBOR_REQUIRE_POSTGRES=1 but DATABASE_URL is not set; point it at a PostgreSQL database');
  return url;
}

/** A schema of its own for one test file and run: `th_test_<file>_<random>`. */
export function fileSchema(file: string): string {
  return `th_test_${file.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
}

/** A queue name no other test uses. */
export function uniqueQueue(): string {
  return `q-${randomBytes(6).toString('hex')}`;
}

/** The `now` tests start from; every semantic test passes explicit times. */
export const T0 = Date.UTC(2030, 0, 1);

/** A valid job record; ids ascend in the order records are made. */
export function newJob(queue: string, overrides: Partial<NewJobRecord> = {}): NewJobRecord {
  const createdAt = overrides.createdAt ?? T0;
  return {
    id: newJobId(createdAt),
    type: 'test.job',
    queue,
    payload: Uint8Array.of(1, 2, 3),
    createdAt,
    maxAttempts: 3,
    ...overrides,
  };
}

/** Drops the file's schema (and only it). */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

export interface PostgresFile {
  readonly schema: string;
  /** A pool of the test file's own, for checks of the tables (opened in beforeAll). */
  readonly pool: pg.Pool;
  /** A connected driver on this file's schema; closed after the test. */
  driver(options?: { retention?: RetentionOptions; leaseClock?: LeaseClock }): Promise<PostgresDriver>;
}

/**
 * Per-file setup: a schema of the file's own, a pool for checks, drivers
 * closed after each test, and the schema dropped after the file.
 */
export function usePostgresFile(file: string): PostgresFile {
  const schema = fileSchema(file);
  const live: PostgresDriver[] = [];
  let pool: pg.Pool | undefined;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: databaseUrl(), max: 8 });
    pool.on('error', () => undefined);
    await pool.query('SELECT 1');
  });
  afterEach(async () => {
    for (const driver of live.splice(0)) await driver.close();
  });
  afterAll(async () => {
    if (pool === undefined) return;
    await dropSchema(pool, schema);
    await pool.end();
  });
  return {
    schema,
    get pool(): pg.Pool {
      if (pool === undefined) throw new Error('the pool opens in beforeAll');
      return pool;
    },
    async driver(options = {}) {
      const driver = await PostgresDriver.connect({ connectionString: databaseUrl(), schema, ...options });
      live.push(driver);
      return driver;
    },
  };
}
