import { describe, expect, it } from 'vitest';
import { restartPlan } from '../support/fault-postgres-server.js';
import { databaseUrl, postgresEnv, withApplicationName } from '../support/postgres-env.js';

const cluster = { version: '15', name: 'main', port: 5432, dataDirectory: '/var/lib/postgresql/15/main' };
const DB_URL = 'postgres://root@127.0.0.1:5432/test';

/** The PostgreSQL switches of the reliability tests: skip without a database, fail instead when one is required. */
describe('PostgreSQL reliability tests: environment switches', () => {
  it('skip when no DATABASE_URL is set and none is required', () => {
    expect(postgresEnv({})).toEqual({ configured: false, required: false, skip: true });
    expect(restartPlan({}, undefined)).toEqual({ skip: true });
  });

  it('with TASKHARBOR_REQUIRE_POSTGRES=1 and no URL they run, and fail with a clear error instead of skipping', () => {
    const env = { TASKHARBOR_REQUIRE_POSTGRES: '1' };
    expect(postgresEnv(env).skip).toBe(false);
    expect(() => databaseUrl(env)).toThrow(/TASKHARBOR_REQUIRE_POSTGRES=1 but DATABASE_URL is not set/);
  });

  it('name the workers backends by application_name, keeping the rest of the URL', () => {
    const named = new URL(withApplicationName(`${DB_URL}?sslmode=disable`, 'threl_x-wrk'));
    expect(named.searchParams.get('application_name')).toBe('threl_x-wrk');
    expect(named.searchParams.get('sslmode')).toBe('disable');
    expect([named.protocol, named.username, named.host, named.pathname]).toEqual(['postgres:', 'root', '127.0.0.1:5432', '/test']);
  });
});

describe('PostgreSQL restart test: when it runs, skips or fails', () => {
  const unavailable = { ok: false as const, why: 'pg_lsclusters / pg_ctlcluster (postgresql-common) are not on PATH' };

  it('runs when the server behind DATABASE_URL is a local cluster this user may restart', () => {
    expect(restartPlan({ DATABASE_URL: DB_URL }, { ok: true, cluster })).toEqual({ skip: false });
  });

  it('skips with a notice when the server cannot be restarted from here and PostgreSQL is not required', () => {
    const plan = restartPlan({ DATABASE_URL: DB_URL }, unavailable);
    expect(plan.skip).toBe(true);
    expect(plan.notice).toContain('not on PATH');
    expect(plan.notice).toContain('TASKHARBOR_REQUIRE_POSTGRES=1');
  });

  it('fails, naming the way out, when it cannot restart the server and PostgreSQL is required (CI)', () => {
    const plan = restartPlan({ DATABASE_URL: DB_URL, TASKHARBOR_REQUIRE_POSTGRES: '1' }, unavailable);
    expect(plan.skip).toBe(false);
    expect(plan.failure).toContain('not on PATH');
    expect(plan.failure).toContain('TASKHARBOR_SKIP_POSTGRES_RESTART=1');
  });

  it('is left out with TASKHARBOR_SKIP_POSTGRES_RESTART=1, even when required, and says so', () => {
    const env = { DATABASE_URL: DB_URL, TASKHARBOR_REQUIRE_POSTGRES: '1', TASKHARBOR_SKIP_POSTGRES_RESTART: '1' };
    expect(restartPlan(env, { ok: true, cluster })).toEqual({
      skip: true,
      notice: 'PostgreSQL restart test left out: TASKHARBOR_SKIP_POSTGRES_RESTART=1',
    });
  });
});
