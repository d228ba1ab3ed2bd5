import type { Lease } from '@taskharbor/core';
import type { MemoryDriver } from '@taskharbor/driver-memory';
import { describe, expect, it } from 'vitest';
import { harness } from './support/harness.js';

async function deadLetter(driver: MemoryDriver, queue = 'default'): Promise<Lease> {
  const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: 30_000, now: Date.now() });
  const lease = (jobs[0] as { lease: Lease }).lease;
  await driver.fail(lease, { attempts: 3, lastError: 'Error: card declined', failedAt: Date.now(), reason: 'failed 3 of 3 allowed attempts' }, Date.now());
  return lease;
}

describe('main() with a driver handed over by the app', () => {
  it('enqueues, lists and inspects without the memory note and without closing the driver', async () => {
    const h = harness();
    const enqueued = await h.run('enqueue', '--type', 'email.send', '--payload-json', '{"to":"a@b.c"}', '--delay', '5m');
    expect(enqueued.code).toBe(0);
    expect(enqueued.stderr).toBe('');
    const id = enqueued.stdout.trim();

    const list = await h.run('list');
    expect(list.stdout).toMatch(/^ID\s+TYPE\s+STATUS\s+ATTEMPTS\s+CREATED\s+WHEN\s+PAYLOAD\n/);
    expect(list.stdout).toContain(`${id}  email.send  scheduled`);
    expect(list.stdout).toMatch(/runs in 4m59s|runs in 5m/);

    const inspect = await h.run('inspect', id);
    expect(inspect.stdout).toMatch(/^status +scheduled$/m);
    expect(inspect.stdout).toMatch(/^payload +\{"to":"a@b.c"\} +\(14 bytes\)$/m);
    expect(inspect.stdout).not.toMatch(/lease|dlq reason/);
    expect(await h.driver.counts('default')).toMatchObject({ scheduled: 1 });
  });

  it('shows the lease only while in flight and the dead-letter reason only when dead-lettered', async () => {
    const h = harness();
    const { id } = await h.client.enqueue('charge', { invoice: 42 });
    await h.driver.reserve({ queue: 'default', limit: 1, leaseMs: 30_000, now: Date.now() });
    const inflight = await h.run('inspect', id);
    expect(inflight.stdout).toMatch(/^lease token +\S+$/m);
    expect(inflight.stdout).toMatch(/^lease expires +\S+Z \(in (29|30)s\)$/m);
    const inflightJson = JSON.parse((await h.run('inspect', id, '--json')).stdout);
    expect(inflightJson.lease.expiresAt).toBeGreaterThan(Date.now());

    const { id: deadId } = await h.client.enqueue('charge', { invoice: 43 });
    await deadLetter(h.driver);
    const dead = await h.run('inspect', deadId);
    expect(dead.stdout).toMatch(/^dlq reason +failed 3 of 3 allowed attempts$/m);
    expect(dead.stdout).not.toMatch(/^lease/m);
    const deadJson = JSON.parse((await h.run('--json', 'inspect', deadId)).stdout);
    expect(deadJson).toMatchObject({ status: 'dlq', dlqReason: 'failed 3 of 3 allowed attempts', lastError: 'Error: card declined' });
    expect(deadJson).not.toHaveProperty('lease');
  });

  it('requeues from the DLQ, refuses a job that is not dead-lettered, and honours --queue as a guard', async () => {
    const h = harness();
    const { id } = await h.client.enqueue('charge', { invoice: 1 }, { queue: 'billing', maxAttempts: 3 });
    await deadLetter(h.driver, 'billing');

    const dlq = await h.run('dlq', 'list', '--queue', 'billing');
    expect(dlq.stdout).toMatch(new RegExp(`^${id}  charge +3/3 +(\\S+ ago|now) +failed 3 of 3 allowed attempts$`, 'm'));

    const wrongQueue = await h.run('dlq', 'requeue', id, '--queue', 'default');
    expect(wrongQueue.code).toBe(1);
    expect(wrongQueue.stderr).toBe(`error: job ${id} not found in queue default\n`);

    // Without --queue the job is found in whichever queue holds it.
    const retried = await h.run('job', 'retry', id, '--reset-attempts', '--json');
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toEqual({ id, queue: 'billing', status: 'ready', attempts: 0, maxAttempts: 3, runAt: null });

    const again = await h.run('dlq', 'requeue', id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is ready, not dead-lettered; only a dead-lettered job can be requeued, so nothing changed/);
  });

  it('counts every queue', async () => {
    const h = harness();
    await h.client.enqueue('a', 1);
    await h.client.enqueue('b', 2, { queue: 'emails', delayMs: 60_000 });
    const queues = await h.run('queues');
    expect(queues.stdout.split('\n').slice(0, 3)).toEqual([
      'QUEUE    READY  SCHEDULED  INFLIGHT  DONE  DLQ  CANCELLED  PAUSED',
      'default      1          0         0     0    0          0  no',
      'emails       0          1         0     0    0          0  no',
    ]);
    const stats = JSON.parse((await h.run('stats', '--all', '--json')).stdout);
    expect(stats.queues).toEqual([
      { queue: 'default', counts: { ready: 1, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 0, paused: false } },
      { queue: 'emails', counts: { ready: 0, scheduled: 1, inflight: 0, done: 0, dlq: 0, cancelled: 0, paused: false } },
    ]);
  });
});
