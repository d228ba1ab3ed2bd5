// Prints the plans of reserve and ack on a large table, as docs/postgres.md
// shows them, and those of the flow reserve's statements (through
// auto_explain, whose plans of the statements inside reserve_flow come back
// as notices; it needs a role that may LOAD it). Usage (from packages/driver-postgres, after `pnpm build`):
//   DATABASE_URL=postgres://root@127.0.0.1:5432/test node scripts/explain.mjs [jobs]
// It works in a schema of its own (th_explain) and drops it at the end.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { PostgresDriver } from '../dist/index.js';

const schema = 'th_explain';
const jobs = Number(process.argv[2] ?? 1_000_000);
const url = process.env.DATABASE_URL;
// The statement loader's `{{include NAME}}` (src/sql/statement.ts): the text of src/sql/fragments/NAME.sql.
const source = (path) => readFileSync(new URL(`../src/sql/${path}.sql`, import.meta.url), 'utf8');
const sql = (name) =>
  source(name)
    .replace(/\{\{include ([^}]*)\}\}/g, (_, fragment) => source(`fragments/${fragment}`).replace(/\n+$/, ''))
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
  // The plain ack, as ack.ts sends it for queues without flow control; $9 is the minute of now (metricsMinute).
  const ack = sql('ack').replace(/^-- flow-control:begin\n[\s\S]*?^-- flow-control:end\n/gm, '');
  const minute = Math.floor(now / 60_000) * 60_000;
  await show('ack: one lease', ack, [['big'], ['f00000000001'], ['t1'], now, [null], 1000, null, 1000, minute]);
  const leases = Array.from({ length: 100 }, (_, i) => i + 1);
  await show(
    'ack: 100 leases',
    ack,
    [leases.map(() => 'big'), leases.map((i) => `f${String(i).padStart(11, '0')}`), leases.map((i) => `t${i}`), now, leases.map(() => null), 1000, null, 1000, minute],
  );

  // Flow control: a queue of `jobs` ready jobs spread over 1,000 groups, 1% of them with a priority,
  // 10,000 in flight, a queue rate and a group concurrency limit.
  await client.query(
    `INSERT INTO "${schema}".jobs (queue, id, type, payload, created_at, max_attempts, status, position, group_name, priority)
     SELECT 'flow', lpad(g::text, 12, '0'), 'load', '\\x00', 0, 3, 'ready', nextval('"${schema}".ready_position'),
       'tenant-' || (g % 1000), CASE WHEN g % 100 = 0 THEN g % 7 - 3 END
     FROM generate_series(1, $1) AS g`,
    [jobs],
  );
  await client.query(
    `INSERT INTO "${schema}".jobs (queue, id, type, payload, created_at, max_attempts, status, lease_token, lease_expires_at, group_name)
     SELECT 'flow', 'f' || lpad(g::text, 11, '0'), 'load', '\\x00', 0, 3, 'inflight', 't' || g, 2000000000000 + g, 'tenant-' || (g % 1000)
     FROM generate_series(1, 10000) AS g`,
  );
  await client.query(
    `INSERT INTO "${schema}".queues (name, flow, rate_max, rate_per_ms, group_concurrency, wake_on_free) VALUES ('flow', true, 100000, 1000, 20, true)`,
  );
  await client.query(
    `INSERT INTO "${schema}".flow_groups (queue, group_name, turn) SELECT 'flow', 'tenant-' || g, g FROM generate_series(0, 999) AS g`,
  );
  await client.query(`ANALYZE "${schema}".jobs`);
  await client.query(`ANALYZE "${schema}".flow_groups`);
  const notices = [];
  client.on('notice', (notice) => notices.push(notice.message));
  await client.query("LOAD 'auto_explain'");
  await client.query(
    "SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; SET auto_explain.log_timing = off; SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = 'notice'",
  );
  await client.query('BEGIN');
  const started = performance.now();
  await client.query(sql('reserve-flow'), ['flow', now, 10, 30000, 1000]);
  const elapsed = performance.now() - started;
  await client.query('ROLLBACK');
  await client.query('SET auto_explain.log_min_duration = -1');
  console.log(`-- flow reserve: 10 jobs of a queue of ${jobs} ready jobs in 1000 groups (${elapsed.toFixed(1)} ms round trip under auto_explain)`);
  const timed = async (text, values) => {
    const runs = [];
    // The first runs of a session plan every statement of the function afresh; time the cached plans.
    for (let i = 0; i < 10; i++) {
      await client.query('BEGIN');
      await client.query(text, values);
      await client.query('ROLLBACK');
    }
    for (let i = 0; i < 7; i++) {
      await client.query('BEGIN');
      const { rows } = await client.query(`EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) ${text}`, values);
      await client.query('ROLLBACK');
      const line = rows.map((row) => row['QUERY PLAN']).find((l) => l.startsWith('Execution Time'));
      runs.push(Number(line.replace(/[^0-9.]/g, '')));
    }
    return runs.sort((a, b) => a - b)[3].toFixed(2);
  };
  console.log(`-- execution time, median of 7 after 10 warm-up runs (no auto_explain): flow reserve of 10: ${await timed(sql('reserve-flow'), ['flow', now, 10, 30000, 1000])} ms; of 1: ${await timed(sql('reserve-flow'), ['flow', now, 1, 30000, 1000])} ms; plain reserve of 10: ${await timed(sql('reserve'), ['big', now, 10, 30000, 1000])} ms\n`);
  const seen = new Set();
  for (const message of notices) {
    const key = message.split('\n').find((line) => line.startsWith('Query Text:'));
    if (seen.has(key)) continue;
    seen.add(key);
    console.log(`${message}\n`);
  }
} finally {
  await client.query('ROLLBACK').catch(() => undefined);
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
