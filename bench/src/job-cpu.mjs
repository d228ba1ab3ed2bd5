// Measures the worker's CPU per job on the memory driver: the plain path
// (handlers that return undefined) and, with --result, handlers that return
// a small value that is encoded and stored with the done job.
//
//   pnpm turbo run build --filter=@taskharbor/worker...
//   pnpm --filter @taskharbor/bench probe:job-cpu [--jobs=100000] [--rounds=5] [--result] [--worker=path/to/index.js]
//
// Each round enqueues the jobs, then times a worker (concurrency 50) that
// runs them all, with process.cpuUsage (user + system) over the run, so the
// figure holds up better than wall time on a shared machine. --worker loads
// another build of the worker (e.g. one made from an earlier commit) to
// compare the two on the same driver. The median of the rounds is printed.
import { Client } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const jobs = Number(arg('jobs', '100000'));
const rounds = Number(arg('rounds', '5'));
const withResult = process.argv.includes('--result');
const workerPath = arg('worker', undefined);
const { Worker } = await import(workerPath === undefined ? '@taskharbor/worker' : new URL(workerPath, `file://${process.cwd()}/`).href);

async function round() {
  const driver = new MemoryDriver({ retention: { maxDoneCount: 0 } });
  const client = new Client(driver);
  for (let i = 0; i < jobs; i += 1000) {
    await client.enqueueMany(Array.from({ length: Math.min(1000, jobs - i) }, () => ({ type: 't', payload: {} })));
  }
  const worker = new Worker(driver, { concurrency: 50, keepAlive: false });
  let done = 0;
  let finish;
  const all = new Promise((resolve) => {
    finish = resolve;
  });
  const value = { ok: 1 };
  worker.register('t', () => {
    if (++done === jobs) setImmediate(finish);
    return withResult ? value : undefined;
  });
  const before = process.cpuUsage();
  const start = performance.now();
  await worker.start();
  await all;
  const cpu = process.cpuUsage(before);
  const wallMs = performance.now() - start;
  await worker.close();
  await driver.close();
  return { cpuUsPerJob: (cpu.user + cpu.system) / jobs, jobsPerSec: (jobs / wallMs) * 1000 };
}

await round(); // warm-up: compilation and the first collections
const results = [];
for (let i = 0; i < rounds; i++) results.push(await round());
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cpu = median(results.map((r) => r.cpuUsPerJob));
const rate = median(results.map((r) => r.jobsPerSec));
console.log(
  `${workerPath ?? '@taskharbor/worker'} ${withResult ? 'returning a value' : 'returning undefined'}: ` +
    `${cpu.toFixed(2)} µs CPU per job, ${Math.round(rate)} jobs/s (median of ${rounds} rounds of ${jobs} jobs)`,
);
