import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ENQUEUE_BATCH_FIRST_JOBS, ENQUEUE_BATCH_MAX_BYTES, ENQUEUE_BATCH_MAX_JOBS } from '../src/enqueue-batch.js';
import { RedisDriver } from '../src/index.js';
import { newJob, openRawClient, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

/** A real client whose script calls are counted: each `evalsha` or `eval` command sent is one script. */
function countingClient(): { client: Redis; scripts: () => number; jobsPerScript: () => number[] } {
  const client = openRawClient();
  const sizes: number[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command, ...rest) => {
    // enqueue-6: sha, key count, 6 keys, key base, values per job (10 here), handoff now, ids-ascending flag, then the jobs.
    if (command.name === 'evalsha' || command.name === 'eval') sizes.push((command.args.length - 12) / 10);
    return send(command, ...rest);
  };
  return { client, scripts: () => sizes.length, jobsPerScript: () => [...sizes] };
}

describe.skipIf(SKIP_REDIS)('gathered single enqueues (Redis)', () => {
  const redis = useRedisFile('enqueue-batch');
  const clients: Redis[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  async function countingDriver(): Promise<{ driver: RedisDriver; scripts: () => number; jobsPerScript: () => number[] }> {
    const { client, scripts, jobsPerScript } = countingClient();
    clients.push(client);
    const driver = new RedisDriver({ client, keyPrefix: redis.prefix });
    // The data-model check runs once, before the first write; count from after it.
    await driver.counts(uniqueQueue());
    const before = scripts();
    return { driver, scripts: () => scripts() - before, jobsPerScript: () => jobsPerScript().slice(before) };
  }

  it('enqueues made in the same turn go out as one script and each gets its own answer', async () => {
    const { driver, scripts } = await countingDriver();
    const queue = uniqueQueue();
    const jobs = Array.from({ length: ENQUEUE_BATCH_FIRST_JOBS - 1 }, () => newJob(queue));
    const results = await Promise.all(jobs.map((job) => driver.enqueue(job, T0)));
    expect(results).toEqual(jobs.map((job) => ({ id: job.id, existed: false })));
    expect(scripts()).toBe(1);
    // Stored in call order, each exactly.
    const { jobs: reserved } = await driver.reserve({ queue, limit: 50, leaseMs: 1000, now: T0 });
    expect(reserved.map((r) => r.job.id)).toEqual(jobs.map((job) => job.id));
    await driver.close();
  });

  it('a turn sends its first part at once, then the rest together, at most ENQUEUE_BATCH_MAX_JOBS a script, in call order', async () => {
    const { driver, jobsPerScript } = await countingDriver();
    const queue = uniqueQueue();
    const count = ENQUEUE_BATCH_FIRST_JOBS + ENQUEUE_BATCH_MAX_JOBS + 10;
    const jobs = Array.from({ length: count }, () => newJob(queue));
    const results = await Promise.all(jobs.map((job) => driver.enqueue(job, T0)));
    expect(results).toEqual(jobs.map((job) => ({ id: job.id, existed: false })));
    // The first part as soon as it was there, one full script, then the last ten.
    expect(jobsPerScript()).toEqual([ENQUEUE_BATCH_FIRST_JOBS, ENQUEUE_BATCH_MAX_JOBS, 10]);
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await driver.list({ queue, limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
      listed.push(...page.jobs.map((job) => job.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(listed).toHaveLength(count);
    const { jobs: reserved } = await driver.reserve({ queue, limit: 1000, leaseMs: 1000, now: T0 });
    expect(reserved.map((r) => r.job.id)).toEqual(jobs.map((job) => job.id));
    await driver.close();
  });

  it('within one gathered script a repeated id or key answers existed, as separate calls would', async () => {
    const { driver } = await countingDriver();
    const queue = uniqueQueue();
    const first = newJob(queue, { idempotencyKey: 'order-7' });
    const sameKey = newJob(queue, { idempotencyKey: 'order-7' });
    const results = await Promise.all([driver.enqueue(first, T0), driver.enqueue(sameKey, T0), driver.enqueue(first, T0)]);
    expect(results).toEqual([
      { id: first.id, existed: false },
      { id: first.id, existed: true },
      { id: first.id, existed: true },
    ]);
    expect(await driver.counts(queue)).toMatchObject({ ready: 1 });
    await driver.close();
  });

  it('each caller gets its own queue outcome: one broken queue does not fail another', async () => {
    const { driver } = await countingDriver();
    const good = uniqueQueue();
    const broken = uniqueQueue();
    // A ready list of the wrong type makes every enqueue into `broken` fail inside Redis.
    await redis.raw.set(`${redis.prefix}:{${broken}}:ready`, 'not a list');
    const goodJob = newJob(good);
    const [okResult, brokenResult] = await Promise.allSettled([driver.enqueue(goodJob, T0), driver.enqueue(newJob(broken), T0)]);
    expect(okResult).toEqual({ status: 'fulfilled', value: { id: goodJob.id, existed: false } });
    expect(brokenResult.status).toBe('rejected');
    expect(String((brokenResult as PromiseRejectedResult).reason)).toMatch(/WRONGTYPE/);
    expect((await driver.inspect({ queue: good, id: goodJob.id }))?.status).toBe('ready');
    await driver.close();
  });

  it('each queue is answered on its own: a queue whose script gets no reply does not hold another back', async () => {
    const { driver } = await countingDriver();
    const fast = uniqueQueue();
    const held = uniqueQueue();
    // Hold back the script of `held` before it is written, as a silent Redis node would hold its reply.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const client = driver.client as Redis;
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command, ...rest) => {
      if (command.name === 'evalsha' && command.args.some((arg) => String(arg).includes(`{${held}}`))) {
        void gate.then(() => send(command, ...rest));
        return command.promise;
      }
      return send(command, ...rest);
    };
    const fastJob = newJob(fast);
    const heldCall = driver.enqueue(newJob(held), T0);
    expect(await driver.enqueue(fastJob, T0)).toEqual({ id: fastJob.id, existed: false });
    release();
    expect((await heldCall).existed).toBe(false);
    await driver.close();
  });

  it('a gathered script carries at most ENQUEUE_BATCH_MAX_BYTES of payload', async () => {
    const { driver, scripts } = await countingDriver();
    const queue = uniqueQueue();
    const payload = new Uint8Array(Math.ceil(ENQUEUE_BATCH_MAX_BYTES * 0.6)).fill(0x61);
    const jobs = [newJob(queue, { payload }), newJob(queue, { payload }), newJob(queue, { payload })];
    await Promise.all(jobs.map((job) => driver.enqueue(job, T0)));
    // 0.6 + 0.6 reaches the cap: the first two go together, the third alone.
    expect(scripts()).toBe(2);
    for (const job of jobs) {
      const stored = (await driver.inspect({ queue, id: job.id }))?.payload ?? new Uint8Array(0);
      // Buffer.equals: a deep toEqual over 600 KB takes seconds.
      expect(Buffer.from(stored).equals(Buffer.from(payload))).toBe(true);
    }
    await driver.close();
  });

  it('enqueues awaited one after another each go out on their own', async () => {
    const { driver, scripts } = await countingDriver();
    const queue = uniqueQueue();
    for (let i = 0; i < 3; i++) await driver.enqueue(newJob(queue), T0);
    expect(scripts()).toBe(3);
    await driver.close();
  });
});
