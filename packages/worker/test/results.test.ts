import { ErrorCode, isTaskHarborError, jsonCodec, MAX_RESULT_BYTES, RetryPolicy } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { Gate, harness } from './support/harness.js';

describe('results', () => {
  it('a_returned_value_is_stored_with_the_done_job_and_decodes_with_the_codec', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    worker.register('sum', (job) => {
      const { a, b } = job.payload as { a: number; b: number };
      return { sum: a + b, at: [a, b] };
    });
    const { id } = await h.client.enqueue('sum', { a: 2, b: 3 });
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'completed');

    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('done');
    expect(record?.result).toBeInstanceOf(Uint8Array);
    expect(jsonCodec.decode(record?.result as Uint8Array)).toEqual({ sum: 5, at: [2, 3] });
  });

  it('results_of_jobs_acked_together_go_out_in_one_ackMany_aligned_with_their_leases', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ concurrency: 3 });
    worker.register('echo', async (job) => {
      await gate.promise;
      return job.payload === 'none' ? undefined : `got ${String(job.payload)}`;
    });
    const a = await h.client.enqueue('echo', 'a');
    const none = await h.client.enqueue('echo', 'none');
    const c = await h.client.enqueue('echo', 'c');
    await worker.start();
    await h.until(() => events.of('active').length === 3, 'all started');
    gate.resolve();
    await h.until(() => events.of('completed').length === 3, 'all completed');

    const batches = h.driver.calls.filter((call) => call.method === 'ackMany');
    expect(batches).toHaveLength(1);
    const [leases, , results] = (batches[0]?.args ?? []) as [{ jobId: string }[], number, (Uint8Array | undefined)[]];
    expect(leases.map((lease) => lease.jobId)).toEqual([a.id, none.id, c.id]);
    expect(results.map((bytes) => (bytes === undefined ? undefined : jsonCodec.decode(bytes)))).toEqual(['got a', undefined, 'got c']);
    const records = await Promise.all([a, none, c].map(({ id }) => h.memory.inspect({ queue: 'default', id })));
    expect(records.map((record) => (record?.result === undefined ? undefined : jsonCodec.decode(record.result)))).toEqual([
      'got a',
      undefined,
      'got c',
    ]);
  });

  it('a_handler_returning_undefined_acks_exactly_as_before_with_no_result_argument', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ concurrency: 2 });
    worker.register('plain', async () => {
      await gate.promise;
    });
    await h.client.enqueue('plain', undefined);
    await h.client.enqueue('plain', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 2, 'started');
    gate.resolve();
    await h.until(() => events.of('completed').length === 2, 'completed');
    const ackMany = h.driver.calls.filter((call) => call.method === 'ackMany');
    expect(ackMany.map((call) => call.args.length)).toEqual([2]);

    const { id } = await h.client.enqueue('plain', undefined);
    await h.until(() => events.of('completed').length === 3, 'third completed');
    const ack = h.driver.calls.filter((call) => call.method === 'ack');
    expect(ack.map((call) => call.args.length)).toEqual([2]);
    expect((await h.memory.inspect({ queue: 'default', id }))?.result).toBeUndefined();
  });

  it('a_result_over_MAX_RESULT_BYTES_fails_the_run_with_a_clear_error_and_is_retried', async () => {
    const h = harness();
    const { worker, events } = h.worker({ retryPolicy: RetryPolicy.fixed(0) });
    let runs = 0;
    worker.register('big', () => {
      runs++;
      return runs === 1 ? 'x'.repeat(MAX_RESULT_BYTES) : 'small';
    });
    const { id } = await h.client.enqueue('big', undefined, { maxAttempts: 3 });
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'second run completed');

    const [failed] = events.of('failed');
    expect(failed?.willRetry).toBe(true);
    expect(isTaskHarborError(failed?.error, ErrorCode.Validation)).toBe(true);
    // JSON adds two quotes to the string.
    expect(failed?.error.message).toContain(`returned ${MAX_RESULT_BYTES + 2} encoded bytes, over the ${MAX_RESULT_BYTES}-byte limit`);
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('done');
    expect(record?.attempts).toBe(1);
    expect(record?.lastError).toContain('over the');
    expect(jsonCodec.decode(record?.result as Uint8Array)).toBe('small');
  });

  it('a_result_the_codec_cannot_encode_dead_letters_at_the_last_attempt_never_dropped', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    worker.register('bigint', () => ({ n: 10n }));
    const { id } = await h.client.enqueue('bigint', undefined, { maxAttempts: 1 });
    await worker.start();
    await h.until(() => events.of('dead').length === 1, 'dead');

    expect(events.of('completed')).toHaveLength(0);
    expect(events.of('failed')[0]?.error.message).toContain("could not be encoded with the worker's codec");
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('dlq');
    expect(record?.result).toBeUndefined();
    expect(record?.dlqReason).toContain('could not be encoded');
  });

  it('the_handler_result_passes_through_middleware_unchanged', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    worker.use(async (_job, _ctx, next) => {
      await next();
      return 'the middleware value is not the result';
    });
    worker.register('answer', () => 42);
    const { id } = await h.client.enqueue('answer', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'completed');
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(jsonCodec.decode(record?.result as Uint8Array)).toBe(42);
  });
});
