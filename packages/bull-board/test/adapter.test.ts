import { Client, type JobRecord } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskHarborAdapter } from '../src/index.js';

let driver: MemoryDriver;
let client: Client;
let adapter: TaskHarborAdapter;

beforeEach(() => {
  driver = new MemoryDriver();
  client = new Client(driver);
  adapter = new TaskHarborAdapter(driver, 'emails');
});

afterEach(async () => {
  await driver.close();
});

async function deadLetter(count: number): Promise<JobRecord[]> {
  for (let i = 0; i < count; i++) await client.enqueue('doomed', { i }, { queue: 'emails' });
  const { jobs } = await driver.reserve({ queue: 'emails', limit: count, leaseMs: 60_000, now: Date.now() });
  for (const { lease } of jobs) await driver.fail(lease, { attempts: 1, lastError: 'boom', failedAt: Date.now(), reason: 'boom' }, Date.now());
  return jobs.map(({ job }) => job);
}

describe('TaskHarborAdapter', () => {
  it('counts_map_taskharbor_statuses_to_bull_board_ones', async () => {
    await deadLetter(2);
    await client.enqueue('a', {}, { queue: 'emails' });
    await client.enqueue('a', {}, { queue: 'emails', delayMs: 60_000 });
    expect(await adapter.getJobCounts()).toEqual({
      active: 0,
      waiting: 1,
      delayed: 1,
      completed: 0,
      failed: 2,
      paused: 0,
      prioritized: 0,
      'waiting-children': 0,
    });
  });

  it('offset_pages_walk_the_cursor_and_show_each_job_once', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 25; i++) ids.add((await client.enqueue('a', { i }, { queue: 'emails' })).id);
    const seen: string[] = [];
    for (let start = 0; start < 30; start += 10) {
      const jobs = await adapter.getJobs(['waiting'], start, start + 9);
      seen.push(...jobs.map((job) => String(job.toJSON().id)));
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen)).toEqual(ids);
    // A page never visited (a fresh adapter) is reached by walking from the start.
    const jumped = await new TaskHarborAdapter(driver, 'emails').getJobs(['waiting'], 20, 29);
    expect(jumped.map((job) => String(job.toJSON().id))).toEqual(seen.slice(20));
  });

  it('job_json_carries_payload_error_history_and_options', async () => {
    const [dead] = await deadLetter(1);
    const job = await adapter.getJob(dead!.id);
    const json = job!.toJSON();
    expect(json).toMatchObject({ id: dead!.id, name: 'doomed', data: { i: 0 }, failedReason: 'boom', attemptsMade: 1, stacktrace: ['attempt 1: boom'] });
    expect(json.opts).toMatchObject({ attempts: 25, jobId: dead!.id });
    expect(await job!.getState()).toBe('failed');
  });

  it('retry_requeues_a_dead_letter_and_refuses_anything_else', async () => {
    const [dead] = await deadLetter(1);
    await (await adapter.getJob(dead!.id))!.retry();
    expect((await driver.inspect({ queue: 'emails', id: dead!.id }))?.status).toBe('ready');
    await expect((await adapter.getJob(dead!.id))!.retry()).rejects.toThrow(/retries dead-lettered jobs only/);
  });

  it('promote_all_clean_empty_pause_and_resume_reach_the_store', async () => {
    for (let i = 0; i < 3; i++) await client.enqueue('later', {}, { queue: 'emails', delayMs: 60_000 });
    await adapter.promoteAll();
    expect((await driver.counts('emails')).ready).toBe(3);
    await deadLetter(2);
    await adapter.clean('failed', 0);
    expect((await driver.counts('emails')).dlq).toBe(0);
    await client.enqueue('later', {}, { queue: 'emails', delayMs: 60_000 });
    await adapter.empty();
    const counts = await driver.counts('emails');
    expect([counts.ready, counts.scheduled]).toEqual([0, 0]);
    await adapter.pause();
    expect(await adapter.isPaused()).toBe(true);
    await adapter.resume();
    expect(await adapter.isPaused()).toBe(false);
    await expect(adapter.clean('active', 0)).rejects.toThrow(/running jobs cannot be cleaned/);
  });

  it('add_job_enqueues_with_delay_and_attempts', async () => {
    const job = await adapter.addJob('email.send', { to: 'a@b.c' }, { delay: 5000, attempts: 3 });
    const record = await driver.inspect({ queue: 'emails', id: String(job.toJSON().id) });
    expect(record).toMatchObject({ status: 'scheduled', maxAttempts: 3, type: 'email.send' });
  });

  it('a_driver_without_job_control_is_read_only', () => {
    const plain = { counts: driver.counts.bind(driver), list: driver.list.bind(driver), inspect: driver.inspect.bind(driver) };
    const readOnly = new TaskHarborAdapter(plain as unknown as MemoryDriver, 'emails');
    expect(readOnly.readOnlyMode).toBe(true);
    expect(adapter.readOnlyMode).toBe(false);
  });
});
