import { RetryPolicy } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { JobTimeoutError } from '../src/index.js';
import { Gate, harness } from './support/harness.js';

describe('timeouts', () => {
  it('timeout_aborts_the_signal_and_records_a_retry_at_the_timeout', async () => {
    const h = harness();
    const { worker, events } = h.worker({ retryPolicy: RetryPolicy.fixed(1_000) });
    let signal: AbortSignal | undefined;
    const gate = new Gate();
    worker.register('slow', async (_job, ctx) => {
      signal ??= ctx.signal;
      await gate.promise;
    });
    const { id } = await h.client.enqueue('slow', undefined, { timeoutMs: 5_000 });
    const start = h.clock.now();
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');

    await h.clock.advance(4_999);
    expect(signal?.aborted).toBe(false);
    await h.clock.advance(1);
    expect(signal?.reason).toBeInstanceOf(JobTimeoutError);
    await h.until(() => events.of('retrying').length === 1, 'retry written');

    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.attempts).toBe(1);
    expect(record?.failedAt).toBe(start + 5_000);
    expect(record?.runAt).toBe(start + 6_000);
    expect(record?.lastError).toMatch(/timed out after 5000 ms/);
    gate.resolve();
  });

  it('a_signal_first_read_after_the_timeout_is_already_aborted', async () => {
    const h = harness();
    const { worker, events } = h.worker({ retryPolicy: RetryPolicy.fixed(1_000) });
    const gate = new Gate();
    let seen: { aborted: boolean; reason: unknown } | undefined;
    worker.register('slow', async (_job, ctx) => {
      await gate.promise;
      seen = { aborted: ctx.signal.aborted, reason: ctx.signal.reason };
    });
    await h.client.enqueue('slow', undefined, { timeoutMs: 5_000 });
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');
    await h.clock.advance(5_000);
    await h.until(() => events.of('retrying').length === 1, 'retry written');
    gate.resolve();
    await h.until(() => seen !== undefined, 'handler read its signal');
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(JobTimeoutError);
  });

  it('timed_out_handler_keeps_its_slot_until_its_promise_settles', async () => {
    const h = harness();
    const { worker, events } = h.worker({ concurrency: 1, retryPolicy: RetryPolicy.fixed(60_000) });
    const gate = new Gate();
    const started: string[] = [];
    worker.register('slow', async (job) => {
      started.push(job.id);
      await gate.promise; // ignores its signal
    });
    worker.register('next', (job) => {
      started.push(job.id);
    });
    const slow = await h.client.enqueue('slow', undefined, { timeoutMs: 1_000 });
    const next = await h.client.enqueue('next', undefined);
    await worker.start();
    await h.until(() => started.length === 1, 'slow started');

    await h.clock.advance(1_000);
    await h.until(() => events.of('retrying').length === 1, 'timeout recorded');
    for (let i = 0; i < 10; i++) await h.clock.flush();
    expect(started).toEqual([slow.id]);

    gate.resolve();
    await h.until(() => started.length === 2, 'next job started once the slot was free');
    expect(started).toEqual([slow.id, next.id]);
    // The late result of the timed-out handler writes nothing.
    expect(h.driver.count('ack')).toBe(1);
  });

  it('timeout_on_the_last_attempt_dead_letters_the_job', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    worker.register('slow', (_job, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))));
    const { id } = await h.client.enqueue('slow', undefined, { timeoutMs: 1_000, maxAttempts: 1 });
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'started');
    await h.clock.advance(1_000);
    await h.until(() => events.of('dead').length === 1, 'dead-lettered');
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('dlq');
    expect(record?.attempts).toBe(1);
    expect(record?.dlqReason).toMatch(/failed 1 of 1 allowed attempts; last error: job .* timed out/);
  });
});
