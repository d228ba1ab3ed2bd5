// Reserve + ack throughput of a plain queue (no priority, group or limit),
// for comparing two builds of the driver. Usage (from packages/driver-postgres,
// after `pnpm build`):
//   DATABASE_URL=postgres://root@127.0.0.1:5432/test node scripts/reserve-ack-ab.mjs [dist dir] [jobs] [loops]
// It enqueues `jobs` jobs, then `loops` concurrent loops each reserve 10 and
// ack them one by one until the queue is empty, and prints jobs per second.
// It works in a schema of its own, dropped at the end.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

const dist = process.argv[2] ?? 'dist';
const jobs = Number(process.argv[3] ?? 20_000);
const loops = Number(process.argv[4] ?? 4);
const { PostgresDriver } = await import(pathToFileURL(resolve(dist, 'index.js')).href);
const schema = `th_ab_${Math.random().toString(16).slice(2, 10)}`;
const url = process.env.DATABASE_URL;
const driver = await PostgresDriver.connect({ connectionString: url, schema, poolSize: loops + 2, retention: { maxDoneCount: 0 } });
try {
  const queue = 'ab';
  const now = Date.now();
  for (let done = 0; done < jobs; done += 1000) {
    await driver.enqueueMany(
      Array.from({ length: Math.min(1000, jobs - done) }, (_, i) => ({
        id: `j${String(done + i).padStart(9, '0')}`,
        type: 'noop',
        queue,
        payload: new Uint8Array(1),
        createdAt: now,
        maxAttempts: 3,
      })),
      now,
    );
  }
  const t0 = performance.now();
  let handled = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      for (;;) {
        const { jobs: batch } = await driver.reserve({ queue, limit: 10, leaseMs: 60_000, now: Date.now() });
        if (batch.length === 0) return;
        for (const reserved of batch) await driver.ack(reserved.lease, Date.now());
        handled += batch.length;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ dist, jobs: handled, seconds: Number(seconds.toFixed(2)), perSecond: Math.round(handled / seconds) }));
} finally {
  await driver.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
