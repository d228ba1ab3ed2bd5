/**
 * The Redis driver's reserve script on the flow path, per job handed out,
 * at a few group counts: Redis's own time for the script (INFO
 * commandstats, usec per EVALSHA call, reset before each measured loop),
 * so client and network costs stay out. Needs a Redis of its own (it runs
 * CONFIG RESETSTAT): start one, e.g. `redis-server --port 6391 --save ''`,
 * and point REDIS_URL at it.
 *
 * Shapes, each at every group count:
 * - turns: groups without limits, reserve of limit 1 (one job a call) and 50;
 * - slot cycle: group concurrency 1, every group already holding its one
 *   slot, so every group waits in the held-back set; each step acks one job
 *   (its group comes back) and reserves one (EVALSHA of ack + reserve).
 * And the plain path (no flow control) for comparison.
 *
 *   REDIS_URL=redis://127.0.0.1:6391 tsx src/flow-groups-probe.ts [--groups=10,10000] [--calls=2000]
 */
import { type Lease, newJobId } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import { Redis } from 'ioredis';
import { deleteByPrefix } from './redis-stats.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const GROUP_COUNTS = arg('groups', '10,10000').split(',').map(Number);
const CALLS = Number(arg('calls', '2000'));
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6391';
const admin = new Redis(url);
const T0 = Date.UTC(2030, 0, 1);

async function evalshaUsec(): Promise<{ calls: number; usec: number; commands: number }> {
  const info = await admin.info('commandstats');
  let commands = 0;
  for (const match of info.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)) {
    if (!['evalsha', 'eval', 'info', 'config|resetstat', 'config'].includes(match[1] as string)) commands += Number(match[2]);
  }
  const line = info.split('\n').find((l) => l.startsWith('cmdstat_evalsha:'));
  const calls = Number(/calls=(\d+)/.exec(line ?? '')?.[1] ?? 0);
  const usec = Number(/usec=(\d+)/.exec(line ?? '')?.[1] ?? 0);
  return { calls, usec, commands };
}

function jobs(queue: string, count: number, group: (i: number) => string | undefined) {
  return Array.from({ length: count }, (_, i) => {
    const g = group(i);
    return { id: newJobId(T0), type: 'probe', queue, payload: new Uint8Array(100), createdAt: T0, maxAttempts: 3, ...(g === undefined ? {} : { group: g }) };
  });
}

async function fill(driver: RedisDriver, queue: string, count: number, group: (i: number) => string | undefined): Promise<void> {
  const all = jobs(queue, count, group);
  for (let i = 0; i < all.length; i += 1000) await driver.enqueueMany(all.slice(i, i + 1000), T0);
}

/** Usec of Redis time, and commands the script ran, per job for `calls` reserves of `limit`. */
async function reserveCost(driver: RedisDriver, queue: string, limit: number, calls: number): Promise<[number, number]> {
  await admin.config('RESETSTAT');
  let handed = 0;
  for (let i = 0; i < calls; i++) handed += (await driver.reserve({ queue, limit, leaseMs: 3_600_000, now: T0 })).jobs.length;
  const { usec, commands } = await evalshaUsec();
  return [usec / handed, commands / handed];
}

const lines: string[] = [];
let run = 0;
for (const groups of GROUP_COUNTS) {
  for (const shape of ['plain', 'turns'] as const) {
    if (shape === 'plain' && groups !== GROUP_COUNTS[0]) continue;
    for (const limit of [1, 50]) {
      const driver = await RedisDriver.connect({ url, keyPrefix: `probe-groups-${run++}` });
      const queue = 'q';
      const perGroup = Math.ceil((CALLS * limit + 1000) / groups) + 1;
      await fill(driver, queue, groups * perGroup, shape === 'plain' ? () => undefined : (i) => `g${i % groups}`);
      const [usec, commands] = await reserveCost(driver, queue, limit, CALLS);
      lines.push(
        `${shape === 'plain' ? 'plain path' : `${groups} groups`}, reserve limit ${limit}: ${usec.toFixed(1)} µs of Redis time and ${commands.toFixed(1)} commands per job`,
      );
      await driver.close();
    }
  }
  // Slot cycle: every group at its concurrency of 1, all of them waiting in the held-back set.
  const driver = await RedisDriver.connect({ url, keyPrefix: `probe-groups-${run++}` });
  const queue = 'q';
  await driver.setGroupLimits(queue, { concurrency: 1 });
  await fill(driver, queue, groups * (Math.ceil(CALLS / groups) + 2), (i) => `g${i % groups}`);
  const leases: Lease[] = [];
  while (leases.length < groups) leases.push(...(await driver.reserve({ queue, limit: 1000, leaseMs: 3_600_000, now: T0 })).jobs.map((r) => r.lease));
  await admin.config('RESETSTAT');
  let handed = 0;
  for (let i = 0; i < CALLS; i++) {
    await driver.ack(leases.shift() as Lease, T0);
    const got = await driver.reserve({ queue, limit: 1, leaseMs: 3_600_000, now: T0 });
    handed += got.jobs.length;
    leases.push(...got.jobs.map((r) => r.lease));
  }
  const { usec, calls, commands } = await evalshaUsec();
  lines.push(
    `${groups} groups at concurrency 1, ack + reserve of one: ${(usec / handed).toFixed(1)} µs and ${(commands / handed).toFixed(1)} commands per job (${calls} scripts, ${handed} handed out)`,
  );
  await driver.close();
}
console.log(lines.join('\n'));
await deleteByPrefix(admin, 'probe-groups-');
admin.disconnect();
