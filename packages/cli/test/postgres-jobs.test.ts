import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, cli, cliJson, databaseUrl, dropSchema, postgresFlags, STACK_LINE, uniqueSchema } from './support/cli.js';
import { jobScenarios } from './support/job-scenarios.js';

describe('PostgreSQL for the CLI tests', () => {
  it('is configured whenever TASKHARBOR_REQUIRE_POSTGRES=1 (CI), so the Postgres tests cannot skip silently there', () => {
    const required = process.env.TASKHARBOR_REQUIRE_POSTGRES === '1';
    expect(!required || databaseUrl !== undefined, 'TASKHARBOR_REQUIRE_POSTGRES=1 but DATABASE_URL is not set').toBe(true);
  });
});

describe.skipIf(!databaseUrl)('taskharbor on PostgreSQL: enqueue, inspect, list, errors', () => {
  const schema = uniqueSchema('jobs');
  const P = postgresFlags(schema);
  const dropped: string[] = [schema];

  afterAll(async () => {
    for (const name of dropped) await dropSchema(name);
  });

  /** Runs SQL on the tests' database. */
  async function onPostgres<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  }

  jobScenarios(() => P);

  it('keeps its jobs in the schema given, and takes the URL and schema from DATABASE_URL and TASKHARBOR_SCHEMA', async () => {
    const { id } = await cliJson<{ id: string }>([...P, '--queue', 'where', 'enqueue', '--type', 'located']);
    const rows = await onPostgres((client) => client.query(`SELECT type, status FROM "${schema}".jobs WHERE queue = 'where' AND id = $1`, [id]));
    expect(rows.rows).toEqual([{ type: 'located', status: 'ready' }]);

    const fromEnv = cleanEnv({ TASKHARBOR_DRIVER: 'postgres', DATABASE_URL: databaseUrl, TASKHARBOR_SCHEMA: schema });
    expect(await cliJson(['--queue', 'where', 'inspect', id], fromEnv)).toMatchObject({ id, type: 'located', status: 'ready' });
  });

  it('exits 2 before connecting without a database URL, with a bad schema name, or with a URL of another scheme', async () => {
    const noUrl = await cli(['--driver', 'postgres', 'queues'], cleanEnv({ DATABASE_URL: undefined }));
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/^error: the Postgres driver needs a database: give --database-url postgres:\/\/user@host:5432\/db \(or set DATABASE_URL\)/);

    const badSchema = await cli([...postgresFlags('Not-A-Schema'), 'queues']);
    expect(badSchema.code).toBe(2);
    expect(badSchema.stderr).toMatch(/^error: --schema: .*expected 1 to 50 lower-case letters, digits or underscores/);
    expect(badSchema.stderr.trim().split('\n')).toHaveLength(1);
    expect(await onPostgres((client) => client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'Not-A-Schema'`))).toMatchObject({ rowCount: 0 });

    const otherScheme = await cli(['--driver', 'postgres', '--database-url', 'mysql://u:hunter2@127.0.0.1/db', 'queues']);
    expect(otherScheme.code).toBe(2);
    expect(otherScheme.stderr).toMatch(/--database-url: unsupported scheme mysql:/);
    expect(otherScheme.stderr).not.toContain('hunter2');
  });

  it('exits 1 quickly with the address, its password hidden, when PostgreSQL is unreachable', async () => {
    const result = await cli(['--driver', 'postgres', '--database-url', 'postgres://th:s3cret@127.0.0.1:1/db', '--schema', schema, 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: cannot connect to PostgreSQL at postgres:\/\/th:\*\*\*@127\.0\.0\.1:1\/db \(from --database-url\): connect ECONNREFUSED/);
    expect(result.stderr).not.toContain('s3cret');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.ms).toBeLessThan(5_000);
    const json = await cli(['--driver', 'postgres', '--database-url', 'postgres://127.0.0.1:1/db', '--json', 'list']);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'POSTGRES_CONNECT', exitCode: 1 });
  });

  it('exits 1 for a database the server lacks, from DATABASE_URL, and writes nothing', async () => {
    const missing = new URL(databaseUrl as string);
    missing.pathname = '/th_cli_no_such_database';
    const env = cleanEnv({ DATABASE_URL: missing.href });
    const result = await cli(['--driver', 'postgres', '--schema', schema, 'enqueue', '--type', 't'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: cannot connect to PostgreSQL at postgres:\/\/.*\/th_cli_no_such_database \(from DATABASE_URL\): database "th_cli_no_such_database" does not exist/);
  });

  it('exits 1 for a schema of a newer version and leaves it as it was', async () => {
    const newer = uniqueSchema('newer');
    dropped.push(newer);
    // Made by the driver as usual, then marked as if a later release had migrated it.
    expect((await cli([...postgresFlags(newer), 'queues'])).code).toBe(0);
    await onPostgres((client) => client.query(`INSERT INTO "${newer}".schema_version (version, applied_at) VALUES (99, 0)`));
    const result = await cli([...postgresFlags(newer), 'enqueue', '--type', 't']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error: schema "${newer}" is at version 99, but this @taskharbor/driver-postgres knows versions up to \\d+;`));
    const after = await onPostgres((client) => client.query(`SELECT (SELECT max(version) FROM "${newer}".schema_version) AS version, (SELECT count(*)::int FROM "${newer}".jobs) AS jobs`));
    expect(after.rows).toEqual([{ version: 99, jobs: 0 }]);
  });
});
