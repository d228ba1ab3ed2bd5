import { RetryPolicy, UnrecoverableError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { harness } from './support/harness.js';

describe('retries and the dead-letter queue', () => {
  it('failures_retry_after_the_policy_backoff_and_end_in_the_dlq_at_maxAttempts', async () => {
    const h = harness();
    const policy = RetryPolicy.exponential({ baseMs: 1_000, factor: 2, jitter: 0 });
    const { worker, events } = h.worker({ retryPolicy: policy });
    const runs: { at: number; attempt: number }[] = [];
    worker.register('doomed', (job) => {
      runs.push({ at: h.clock.now(), attempt: job.attempt });
      throw new Error(`boom ${job.attempt}`);
    });
    const { id } = await h.client.enqueue('doomed', undefined, { maxAttempts: 4 });
    const start = h.clock.now();
    await worker.start();
    await h.until(() => runs.length === 1, 'first run');
    await h.clock.advance(1_000 + 2_000 + 4_000);
    await h.until(() => events.of('dead').length === 1, 'dead-lettered');

    expect(runs).toEqual([
      { at: start, attempt: 1 },
      { at: start + 1_000, attempt: 2 },
      { at: start + 3_000, attempt: 3 },
      { at: start + 7_000, attempt: 4 },
    ]);
    expect(events.of('retrying').map((e) => e.runAt)).toEqual([start + 1_000, start + 3_000, start + 7_000]);
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('dlq');
    expect(record?.attempts).toBe(4);
    expect(record?.dlqReason).toBe('failed 4 of 4 allowed attempts; last error: boom 4');
    expect(record?.lastError).toMatch(/^Error: boom 4\n\s+at /);
  });

  it('sync_throw_rejection_and_non_Error_values_all_count_as_failures', async () => {
    const h = harness();
    const { worker, events } = h.worker({ retryPolicy: RetryPolicy.fixed(0) });
    worker.register('sync', () => {
      throw new Error('sync');
    });
    worker.register('rejects', () => Promise.reject(new Error('rejected')));
    worker.register('string', () => {
      throw 'a plain string';
    });
    worker.register('object', async () => {
      throw { code: 42 };
    });
    for (const type of ['sync', 'rejects', 'string', 'object']) await h.client.enqueue(type, undefined, { maxAttempts: 1 });
    await worker.start();
    await h.until(() => events.of('dead').length === 4, 'all dead-lettered');
    const lastErrors = events.of('dead').map((e) => e.record.type);
    expect(lastErrors.sort()).toEqual(['object', 'rejects', 'string', 'sync']);
    const { jobs } = await h.memory.list({ queue: 'default', status: 'dlq', limit: 10 });
    const byType = Object.fromEntries(jobs.map((job) => [job.type, job.lastError]));
    expect(byType.sync).toMatch(/^Error: sync/);
    expect(byType.rejects).toMatch(/^Error: rejected/);
    expect(byType.string).toBe('a plain string');
    expect(byType.object).toBe('{"code":42}');
    expect(events.of('failed').every((e) => e.error instanceof Error)).toBe(true);
  });

  it('job_that_fails_once_then_succeeds_is_acked_with_one_recorded_attempt', async () => {
    const h = harness();
    const { worker, events } = h.worker({ retryPolicy: RetryPolicy.fixed(0) });
    worker.register('flaky', (job) => {
      if (job.attempt === 1) throw new Error('transient');
    });
    const { id } = await h.client.enqueue('flaky', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'completed');
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('done');
    expect(record?.attempts).toBe(1);
    expect(events.names().filter((n) => n !== 'drained')).toEqual(['active', 'failed', 'retrying', 'active', 'completed']);
  });

  it('unrecoverable_error_dead_letters_at_once', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    let runs = 0;
    worker.register('bad-input', () => {
      runs++;
      throw new UnrecoverableError('payload names no user');
    });
    const { id } = await h.client.enqueue('bad-input', undefined, { maxAttempts: 10 });
    await worker.start();
    await h.until(() => events.of('dead').length === 1, 'dead-lettered');
    expect(runs).toBe(1);
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('dlq');
    expect(record?.attempts).toBe(1);
    expect(record?.dlqReason).toBe('unrecoverable error on attempt 1: payload names no user');
    expect(events.of('failed')[0]?.willRetry).toBe(false);
  });

  it('undecodable_payload_is_a_failure_and_shows_its_raw_bytes', async () => {
    const h = harness();
    const { worker, events } = h.worker({ retryPolicy: RetryPolicy.fixed(0) });
    worker.register('garbled', () => {});
    await h.memory.enqueue(
      { id: 'job-1', type: 'garbled', queue: 'default', payload: new Uint8Array([0x7b]), createdAt: h.clock.now(), maxAttempts: 1 },
      h.clock.now(),
    );
    await worker.start();
    await h.until(() => events.of('dead').length === 1, 'dead-lettered');
    expect(events.of('active')).toHaveLength(0);
    expect(events.of('dead')[0]?.job.payload).toEqual(new Uint8Array([0x7b]));
  });
});
