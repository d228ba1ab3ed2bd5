import { Client, DEFAULT_MAX_ATTEMPTS, jsonCodec } from '@taskharbor/core';
import { FakeClock } from '@taskharbor/testkit';
import { describe, expect, it } from 'vitest';
import { MemoryDriver } from '../src/index.js';

function harness() {
  const clock = new FakeClock();
  const driver = new MemoryDriver();
  const client = new Client<{ 'email.send': { to: string } }>(driver, { clock });
  return { clock, driver, client };
}

describe('Client on the memory driver', () => {
  it('enqueue_fills_defaults_and_stamps_created_at', async () => {
    const { clock, driver, client } = harness();
    const { id, existed } = await client.enqueue('email.send', { to: 'a@b.c' });
    expect(existed).toBe(false);
    const record = await driver.inspect({ queue: 'default', id });
    expect(record).toMatchObject({ type: 'email.send', queue: 'default', status: 'ready', createdAt: clock.now(), maxAttempts: DEFAULT_MAX_ATTEMPTS, attempts: 0 });
    expect(jsonCodec.decode(record!.payload)).toEqual({ to: 'a@b.c' });
  });

  it('run_at_as_date_or_delay_ms_schedules_the_job', async () => {
    const { clock, driver, client } = harness();
    const byDate = await client.enqueue('email.send', { to: 'x' }, { runAt: new Date(clock.now() + 5000) });
    const byDelay = await client.enqueue('email.send', { to: 'y' }, { delayMs: 7000, queue: 'mail' });
    expect(await driver.inspect({ queue: 'default', id: byDate.id })).toMatchObject({ status: 'scheduled', runAt: clock.now() + 5000 });
    expect(await driver.inspect({ queue: 'mail', id: byDelay.id })).toMatchObject({ status: 'scheduled', runAt: clock.now() + 7000 });
  });

  it('idempotency_key_returns_the_first_id', async () => {
    const { client } = harness();
    const first = await client.enqueue('email.send', { to: 'x' }, { idempotencyKey: 'signup-42' });
    const second = await client.enqueue('email.send', { to: 'other' }, { idempotencyKey: 'signup-42' });
    expect(second).toEqual({ id: first.id, existed: true });
  });

  it('a_resent_enqueue_with_the_same_job_id_is_a_no_op', async () => {
    const { driver, client } = harness();
    await client.enqueue('email.send', { to: 'x' }, { jobId: 'order-7' });
    expect(await client.enqueue('email.send', { to: 'x' }, { jobId: 'order-7' })).toEqual({ id: 'order-7', existed: true });
    expect((await driver.counts('default')).ready).toBe(1);
  });

  it('generated_ids_sort_in_enqueue_order', async () => {
    const { driver, client } = harness();
    const results = await client.enqueueMany(Array.from({ length: 50 }, (_, i) => ({ type: 'email.send' as const, payload: { to: `u${i}` } })));
    const ids = results.map((r) => r.id);
    expect([...ids].sort()).toEqual(ids);
    const reserved = await driver.reserve({ queue: 'default', limit: 50, leaseMs: 1000, now: Date.UTC(2030, 0, 1) });
    expect(reserved.jobs.map((j) => j.job.id)).toEqual(ids);
  });
});
