// Prints the plans of reserve and ack on a large table, as docs/postgres.md
// shows them. Usage (from packages/driver-postgres, after `pnpm build`):
//   DATABASE_URL=postgres://root@127.0.0.1:5432/test node scripts/explain.mjs [jobs]
// It works in a schema of its own (th_explain) and drops it at the end.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { PostgresDriver } from '../dist/index.js';

const schema = 'th_explain';
const jobs = Number(process.argv[2] ?? 1_000_000);
const url = process.env.DATABASE_URL;
const sql = (name) =>
  readFileSync(new URL(`../src/sql/${name}.sql`, import.meta.url), 'utf8')
    .replaceAll('{{schema}}', `"${schema}"`)
    .replaceAll('{{channel}}', `'taskharbor:${schema}'`);

const driver = await PostgresDriver.connect({ connectionString: url, schema });
await driver.close();
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  // A million ready jobs in one queue, 10,000 in flight and 10,000 done in another, loaded in one statement each.
  await client.query(
    `INSERT INTO "${schema}".jobs (queue, id, type, payload, created_at, max_attempts, status, position)
     SELECT 'big', lpad(g::text, 12, '0'), 'load', '\\x00', 0, 3, 'ready', nextval('"${schema}".ready_position')
     FROM generate_series(1, $1) AS g`,
    [jobs],
  );
  await client.query(
    `INSERT INTO "${schema}".jobs (queue, id, type, payload, created_at, max_attempts, status, lease_token, lease_expires_at)
     SELECT 'big', 'f' || lpad(g::text, 11, '0'), 'load', '\\x00', 0, 3, 'inflight', 't' || g, 2000000000000 + g
     FROM generate_series(1, 10000) AS g`,
  );
  await client.query(`ANALYZE "${schema}".jobs`);
  const now = 1_900_000_000_000;
  const show = async (title, text, values) => {
    await client.query('BEGIN');
    const { rows } = await client.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${text}`, values);
    await client.query('ROLLBACK');
    console.log(`-- ${title}\n${rows.map((row) => row['QUERY PLAN']).join('\n')}\n`);
  };
  await show(`reserve: 10 jobs from the head of a queue of ${jobs} ready jobs`, sql('reserve'), ['big', now, 10, 30000, 1000]);
  await show('ack: one lease', sql('ack'), [['big'], ['f00000000001'], ['t1'], now, [null]]);
} finally {
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
