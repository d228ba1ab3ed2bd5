import type { Pool } from 'pg';
import { SchemaVersionError } from './errors.js';
import v001 from './sql/migrations/001-jobs.sql';
import v002 from './sql/migrations/002-schedules.sql';
import v003 from './sql/migrations/003-flow-control.sql';
import v004 from './sql/migrations/004-observability.sql';
import v005 from './sql/migrations/005-flow-reserve-pages.sql';
import v006 from './sql/migrations/006-status-indexes.sql';

/** The numbered migrations, in order; the schema's version is the number of the last one applied. */
const MIGRATIONS: readonly string[] = [v001, v002, v003, v004, v005, v006];

/** The schema version this driver reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Creates or upgrades the schema to SCHEMA_VERSION, in one transaction under
 * a transaction-level advisory lock keyed by the schema name, so processes
 * that start together migrate once and the others wait, then find nothing
 * to do. A schema at a newer version than this code knows is refused with
 * SchemaVersionError and left as it is.
 */
export async function migrate(pool: Pool, schema: string, now: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('taskharbor.migrate:' || $1::text, 0))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${schema}".schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)`,
    );
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM "${schema}".schema_version`);
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) throw new SchemaVersionError(schema, current, SCHEMA_VERSION);
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      await client.query((MIGRATIONS[version - 1] as string).replaceAll('{{schema}}', `"${schema}"`));
      await client.query(`INSERT INTO "${schema}".schema_version (version, applied_at) VALUES ($1, $2)`, [version, now]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
