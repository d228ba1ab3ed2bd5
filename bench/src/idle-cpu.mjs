// Measures what an idle worker costs, and how fast it picks up a new job.
//
//   pnpm turbo run build --filter=@taskharbor/bench...
//   pnpm --filter @taskharbor/bench probe:idle-cpu [seconds]
//
// It runs on the real clock and the memory driver. First it measures the
// process with no worker (the baseline: Node's own housekeeping), then an
// idle worker (three queues, concurrency 50) with the default 5 s fallback
// poll and with a one-hour poll, each over the same window with
// process.cpuUsage (user + system, all threads). Then it enqueues jobs one
// at a time into an idle worker and reports how long each took to start.
import { performance } from 'node:perf_hooks';
import { Client } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { Worker } from '@taskharbor/worker';

const seconds = Number(process.argv[2] ?? 5);
const windowMs = seconds * 1000;
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function cpuOver(ms) {
  const before = process.cpuUsage();
  const start = performance.now();
  await wait(ms);
  const used = process.cpuUsage(before);
  const elapsedMs = performance.now() - start;
  return { cpuMs: (used.user + used.system) / 1000, elapsedMs };
}

function describe(label, { cpuMs, elapsedMs }) {
  const percent = (cpuMs / elapsedMs) * 100;
  console.log(`${label.padEnd(32)} ${cpuMs.toFixed(2).padStart(8)} ms CPU in ${(elapsedMs / 1000).toFixed(2)} s  (${percent.toFixed(3)}% of one core)`);
}

// Let module loading, compilation and the first garbage collections settle before each window.
const WARM_UP_MS = 1_000;

await wait(WARM_UP_MS);
const baselineBefore = await cpuOver(windowMs);
describe('baseline (no worker), before', baselineBefore);

async function idleWorker(label, options) {
  const driver = new MemoryDriver();
  const worker = new Worker(driver, { queues: ['critical', 'default', 'bulk'], concurrency: 50, ...options });
  worker.register('ping', () => {});
  await worker.start();
  await wait(WARM_UP_MS);
  const used = await cpuOver(windowMs);
  describe(label, used);
  await worker.close();
  await driver.close();
  return used;
}

const idleDefault = await idleWorker('idle worker, poll 5 s', {});
const idleHour = await idleWorker('idle worker, poll 1 h', { pollIntervalMs: 60 * 60 * 1000 });
await wait(WARM_UP_MS);
const baselineAfter = await cpuOver(windowMs);
describe('baseline (no worker), after', baselineAfter);
// The quieter of the two baselines: either may include a late garbage collection.
const baseline = baselineBefore.cpuMs <= baselineAfter.cpuMs ? baselineBefore : baselineAfter;
for (const [label, used] of [
  ['poll 5 s', idleDefault],
  ['poll 1 h', idleHour],
]) {
  const extra = Math.max(0, used.cpuMs - baseline.cpuMs);
  console.log(`idle worker (${label}) over baseline: ${extra.toFixed(2)} ms CPU in ${seconds} s = ${(extra / seconds).toFixed(3)} ms per second`);
}

const driver = new MemoryDriver();
const client = new Client(driver);
const worker = new Worker(driver, { queues: ['critical', 'default', 'bulk'], concurrency: 50 });
let onRun;
worker.register('ping', () => onRun?.());
await worker.start();
await wait(WARM_UP_MS);

const latencies = [];
for (let i = 0; i < 50; i++) {
  await wait(20);
  const ran = new Promise((resolve) => {
    onRun = resolve;
  });
  const start = performance.now();
  await client.enqueue('ping', undefined, { queue: 'bulk' });
  await ran;
  latencies.push(performance.now() - start);
}
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(3);
console.log(`enqueue -> handler start into an idle worker: median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms (50 jobs)`);

await worker.close();
await driver.close();
