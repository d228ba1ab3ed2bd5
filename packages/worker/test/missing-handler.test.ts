import { RetryPolicy } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { harness } from './support/harness.js';

describe('missing handler', () => {
  it('job_without_a_handler_is_retried_with_backoff_by_default_and_the_error_names_its_type', async () => {
    const h = harness();
    const { worker, events } = h.worker({ retryPolicy: RetryPolicy.fixed(10_000) });
    worker.register('known', () => {});
    const { id } = await h.client.enqueue('unknown.type', undefined, { maxAttempts: 5 });
    const start = h.clock.now();
    await worker.start();
    await h.until(() => events.of('retrying').length === 1, 'retry written');

    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('scheduled');
    expect(record?.attempts).toBe(1);
    expect(record?.runAt).toBe(start + 10_000);
    expect(record?.lastError).toMatch(/no handler registered for job type "unknown.type".*\(registered: known\)/);

    // A rolling deploy replaces the worker with one that knows the type.
    await worker.close();
    const { worker: newer, events: newerEvents } = h.worker();
    newer.register('unknown.type', () => {});
    await newer.start();
    await h.clock.advance(10_000);
    await h.until(() => newerEvents.of('completed').length === 1, 'run by the newer worker');
    expect((await h.memory.inspect({ queue: 'default', id }))?.status).toBe('done');
  });

  it('job_without_a_handler_is_dead_lettered_at_once_with_onMissingHandler_fail', async () => {
    const h = harness();
    const { worker, events } = h.worker({ onMissingHandler: 'fail' });
    const { id } = await h.client.enqueue('unknown.type', undefined, { maxAttempts: 5 });
    await worker.start();
    await h.until(() => events.of('dead').length === 1, 'dead-lettered');
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('dlq');
    expect(record?.attempts).toBe(1);
    expect(record?.dlqReason).toMatch(/no handler registered for job type "unknown.type"/);
  });
});
