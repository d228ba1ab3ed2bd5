/**
 * The PostgreSQL switches and helpers of the reliability tests. They run
 * when DATABASE_URL is set; with TASKHARBOR_REQUIRE_POSTGRES=1 (CI) they
 * run without it too, and fail rather than skip. Each test file works in a
 * schema of its own, dropped after the file.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type Env = Record<string, string | undefined>;

export interface PostgresEnv {
  /** DATABASE_URL is set. */
  configured: boolean;
  /** TASKHARBOR_REQUIRE_POSTGRES=1: fail rather than skip when no database is named. */
  required: boolean;
  skip: boolean;
}

export function postgresEnv(env: Env = process.env): PostgresEnv {
  const configured = Boolean(env.DATABASE_URL);
  const required = env.TASKHARBOR_REQUIRE_POSTGRES === '1';
  return { configured, required, skip: !configured && !required };
}

export const SKIP_POSTGRES = postgresEnv().skip;
export const REQUIRE_POSTGRES = postgresEnv().required;

if (SKIP_POSTGRES) {
  console.warn('[reliability] PostgreSQL tests skipped: DATABASE_URL is not set (set it, or TASKHARBOR_REQUIRE_POSTGRES=1 to fail instead)');
}

/** The database the tests use; throws (so the tests fail) when required but not named. */
export function databaseUrl(env: Env = process.env): string {
  const url = env.DATABASE_URL;
  if (!url) throw new Error('TASKHARBOR_REQUIRE_POSTGRES=1 but DATABASE_URL is not set; point it at a PostgreSQL database');
  return url;
}

/** A schema of its own for one test file and run: `threl_<kind>_<random>` (the driver allows 50 characters). */
export function schemaFor(kind: string): string {
  return `threl_${kind.replace(/[^a-z0-9]/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
}

/** The URL with `application_name` set, so the test can find the backends of the processes that use it. */
export function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}

/** A small pool of the test's own, for checks of the tables and for killing backends. */
export function openPool(max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl(), max });
  // An idle connection cut by a fault is replaced on next use; without a listener pg would crash the run.
  pool.on('error', () => undefined);
  return pool;
}

/** Drops the schema (and only it). */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/**
 * Every table of the schema as text: its name, its row count and a digest
 * of each row's place and writing transaction (ctid, xmin). Any insert,
 * update or delete changes it, even an update that writes the same values,
 * and it costs nothing per payload byte (4 MiB payloads stay cheap).
 * Sequences are left out: a statement that changes no row may still have
 * drawn a ready position, which is no job state.
 */
export async function schemaSnapshot(pool: pg.Pool, schema: string): Promise<string[]> {
  const { rows: tables } = await pool.query<{ tablename: string }>(
    'SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename',
    [schema],
  );
  const out: string[] = [];
  for (const { tablename } of tables) {
    const { rows } = await pool.query<{ n: string; digest: string | null }>(
      `SELECT count(*) AS n, md5(string_agg(ctid::text || ' ' || xmin::text, ',' ORDER BY ctid)) AS digest FROM "${schema}"."${tablename}"`,
    );
    out.push(`${tablename} ${rows[0]?.n} ${rows[0]?.digest ?? '-'}`);
  }
  return out;
}
