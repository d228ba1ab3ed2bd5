import { ErrorCode, isTaskHarborError, MAX_PROGRESS_BYTES, RetryPolicy, UnsupportedOperationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { type JobContext, Worker } from '../src/index.js';
import { Gate, HOUR, harness } from './support/harness.js';
import { withoutJobControl } from './support/instrument.js';

describe('progress', () => {
  it('ctx_progress_stores_the_value_on_the_record_and_emits_a_progress_event', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker();
    worker.register('steps', async (_job, ctx) => {
      await ctx.progress({ done: 1, of: 3 });
      await ctx.progress({ done: 2, of: 3 });
      await gate.promise;
    });
    const { id } = await h.client.enqueue('steps', undefined);
    await worker.start();
    await h.until(() => events.of('progress').length === 2, 'two reports');

    const running = await h.memory.inspect({ queue: 'default', id });
    expect(running?.status).toBe('inflight');
    expect(running?.progress).toEqual({ done: 2, of: 3 });
    expect(events.of('progress').map((e) => [e.job.id, e.progress])).toEqual([
      [id, { done: 1, of: 3 }],
      [id, { done: 2, of: 3 }],
    ]);
    expect(h.driver.calls.filter((call) => call.method === 'setProgress').map((call) => call.args[1])).toEqual([
      '{"done":1,"of":3}',
      '{"done":2,"of":3}',
    ]);
    gate.resolve();
    await h.until(() => events.of('completed').length === 1, 'completed');
    // Progress is kept after the job finishes.
    expect((await h.memory.inspect({ queue: 'default', id }))?.progress).toEqual({ done: 2, of: 3 });
  });

  it('a_value_that_is_not_JSON_or_too_large_rejects_with_a_ValidationError_and_stores_nothing', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    const outcomes: unknown[] = [];
    worker.register('bad', async (_job, ctx) => {
      for (const value of [undefined, 10n, () => 1, 'x'.repeat(MAX_PROGRESS_BYTES)]) {
        outcomes.push(await ctx.progress(value).then(() => 'stored', (error: unknown) => error));
      }
    });
    const { id } = await h.client.enqueue('bad', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'completed');

    expect(outcomes).toHaveLength(4);
    for (const outcome of outcomes) {
      expect(isTaskHarborError(outcome, ErrorCode.Validation)).toBe(true);
      expect((outcome as { field: string }).field).toBe('progress');
    }
    expect(h.driver.count('setProgress')).toBe(0);
    expect(events.of('progress')).toHaveLength(0);
    expect((await h.memory.inspect({ queue: 'default', id }))?.progress).toBeUndefined();
  });

  it('ctx_progress_rejects_with_the_drivers_lease_error_once_the_lease_is_gone', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    let kept: JobContext | undefined;
    worker.register('leaky', (_job, ctx) => {
      kept = ctx;
    });
    const { id } = await h.client.enqueue('leaky', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'completed');

    const error = await (kept as JobContext).progress({ late: true }).catch((e: unknown) => e);
    expect(isTaskHarborError(error, ErrorCode.JobNotInFlight)).toBe(true);
    expect(events.of('progress')).toHaveLength(0);
    expect((await h.memory.inspect({ queue: 'default', id }))?.progress).toBeUndefined();
  });

  it('on_a_driver_without_job_control_ctx_progress_rejects_with_UnsupportedOperationError', async () => {
    const h = harness();
    const worker = new Worker(withoutJobControl(h.driver), { clock: h.clock, keepAlive: false, pollIntervalMs: HOUR });
    let outcome: unknown;
    let done = 0;
    worker.on('completed', () => done++);
    worker.register('report', async (_job, ctx) => {
      outcome = await ctx.progress(50).catch((e: unknown) => e);
    });
    await h.client.enqueue('report', undefined);
    await worker.start();
    await h.until(() => done === 1, 'completed');
    await worker.close();
    expect(outcome).toBeInstanceOf(UnsupportedOperationError);
    expect((outcome as UnsupportedOperationError).operation).toBe('report progress');
    expect(h.driver.count('setProgress')).toBe(0);
  });
});

describe('error history', () => {
  it('each_failed_run_adds_its_attempt_message_and_time_to_the_record_errors', async () => {
    const h = harness();
    const { worker, events } = h.worker({ retryPolicy: RetryPolicy.fixed(1_000) });
    worker.register('flaky', (job) => {
      throw new Error(`boom ${job.attempt}`);
    });
    const { id } = await h.client.enqueue('flaky', undefined, { maxAttempts: 3 });
    const start = h.clock.now();
    await worker.start();
    await h.until(() => events.of('retrying').length === 1, 'first failure');
    await h.clock.advance(1_000);
    await h.until(() => events.of('retrying').length === 2, 'second failure');
    await h.clock.advance(1_000);
    await h.until(() => events.of('dead').length === 1, 'dead');

    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.errors?.map((entry) => [entry.attempt, entry.message.split('\n')[0], entry.at])).toEqual([
      [1, 'Error: boom 1', start],
      [2, 'Error: boom 2', start + 1_000],
      [3, 'Error: boom 3', start + 2_000],
    ]);
    expect(record?.errors?.at(-1)?.message).toBe(record?.lastError);
  });
});
