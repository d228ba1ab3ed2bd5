/**
 * What the opt-in replicated acknowledgment (`replicas: { count: 1 }`)
 * costs per enqueue. Starts its own master and replica (redis-server child
 * processes on free loopback ports, killed by PID at the end), then enqueues
 * with the option off and on, alternating, in three shapes: one awaited
 * enqueue at a time, `enqueueMany` batches of 100, and 200 enqueues in
 * flight at once. Prints a table; docs/benchmarks.md quotes it.
 *
 *   pnpm --filter @taskharbor/bench probe:replicas [--jobs=N] [--rounds=N]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NewJobRecord, newJobId } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import { Redis } from 'ioredis';

const jobs = Number(process.argv.find((a) => a.startsWith('--jobs='))?.slice('--jobs='.length) ?? 5000);
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 3);
const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function startServer(dir: string, extra: string[]): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', `dump-${port}.rdb`, '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0', ...extra], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 200; i++) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return { port, child };
    } catch {
      // not up yet
    } finally {
      probe.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on ${port} did not start`);
}

function job(queue: string, now: number): NewJobRecord {
  return { id: newJobId(now), queue, type: 'probe', payload: Uint8Array.of(1, 2, 3), createdAt: now, maxAttempts: 3 };
}

type Shape = 'one at a time' | 'enqueueMany of 100' | '200 in flight';

async function measure(driver: RedisDriver, shape: Shape, queue: string): Promise<number> {
  const now = Date.now();
  const started = process.hrtime.bigint();
  if (shape === 'one at a time') {
    for (let i = 0; i < jobs; i++) await driver.enqueue(job(queue, now), now);
  } else if (shape === 'enqueueMany of 100') {
    for (let i = 0; i < jobs; i += 100) await driver.enqueueMany(Array.from({ length: 100 }, () => job(queue, now)), now);
  } else {
    for (let i = 0; i < jobs; i += 200) await Promise.all(Array.from({ length: 200 }, () => driver.enqueue(job(queue, now), now)));
  }
  return Number(process.hrtime.bigint() - started) / 1000 / jobs;
}

const dir = mkdtempSync(join(tmpdir(), 'th-probe-replicas-'));
const children: ChildProcess[] = [];
try {
  const master = await startServer(dir, []);
  children.push(master.child);
  const replica = await startServer(dir, ['--replicaof', '127.0.0.1', String(master.port)]);
  children.push(replica.child);
  const admin = new Redis({ port: master.port, host: '127.0.0.1' });
  while (!(await admin.info('replication')).includes('state=online')) await new Promise((resolve) => setTimeout(resolve, 50));
  admin.disconnect();

  const url = `redis://127.0.0.1:${master.port}/0`;
  const off = await RedisDriver.connect({ url, keyPrefix: 'probe-off' });
  const on = await RedisDriver.connect({ url, keyPrefix: 'probe-on', replicas: { count: 1, timeoutMs: 1000 } });
  const shapes: Shape[] = ['one at a time', 'enqueueMany of 100', '200 in flight'];
  const results = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const shape of shapes) {
      for (const [name, driver] of [
        ['off', off],
        ['on', on],
      ] as const) {
        const queue = `q${round}-${shapes.indexOf(shape)}`;
        const micros = await measure(driver, shape, queue);
        const key = `${shape}|${name}`;
        results.set(key, [...(results.get(key) ?? []), micros]);
      }
    }
  }
  await off.close();
  await on.close();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  process.stdout.write(`jobs per run ${jobs}, rounds ${rounds}, median µs per enqueue\n`);
  process.stdout.write('| shape | replicas off | replicas: 1 | extra per enqueue |\n| --- | ---: | ---: | ---: |\n');
  for (const shape of shapes) {
    const a = median(results.get(`${shape}|off`) ?? []);
    const b = median(results.get(`${shape}|on`) ?? []);
    process.stdout.write(`| ${shape} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b - a).toFixed(1)} (${(b / a).toFixed(2)}×) |\n`);
  }
} finally {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
