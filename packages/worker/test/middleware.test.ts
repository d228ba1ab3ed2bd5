import { describe, expect, it } from 'vitest';
import { harness } from './support/harness.js';

describe('middleware', () => {
  it('middleware_runs_in_the_order_added_around_the_handler', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    const trace: string[] = [];
    worker.use(async (_job, _ctx, next) => {
      trace.push('outer before');
      await next();
      trace.push('outer after');
    });
    worker.use(async (_job, _ctx, next) => {
      trace.push('inner before');
      await next();
      trace.push('inner after');
    });
    worker.register('work', () => {
      trace.push('handler');
    });
    await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'completed');
    expect(trace).toEqual(['outer before', 'inner before', 'handler', 'inner after', 'outer after']);
  });

  it('middleware_can_short_circuit_and_the_job_counts_as_done', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    let handlerRan = false;
    worker.use(async (job, _ctx, next) => {
      if (job.type === 'skip') return;
      await next();
    });
    worker.register('skip', () => {
      handlerRan = true;
    });
    await h.client.enqueue('skip', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'completed');
    expect(handlerRan).toBe(false);
  });

  it('middleware_observes_the_handler_error_and_timing_and_can_replace_the_error', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    const seen: { error: string; ms: number }[] = [];
    worker.use(async (_job, _ctx, next) => {
      const start = h.clock.now();
      try {
        await next();
      } catch (error) {
        seen.push({ error: (error as Error).message, ms: h.clock.now() - start });
        throw new Error(`wrapped: ${(error as Error).message}`);
      }
    });
    worker.register('work', async () => {
      await new Promise<void>((resolve) => h.clock.setTimeout(resolve, 250));
      throw new Error('inner');
    });
    await h.client.enqueue('work', undefined, { maxAttempts: 1 });
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'running');
    await h.clock.advance(250);
    await h.until(() => events.of('dead').length === 1, 'dead-lettered');
    expect(seen).toEqual([{ error: 'inner', ms: 250 }]);
    expect(events.of('dead')[0]?.reason).toMatch(/wrapped: inner/);
  });

  it('middleware_that_throws_before_next_fails_the_job_without_running_the_handler', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    let handlerRan = false;
    worker.use(() => {
      throw new Error('rate limited');
    });
    worker.register('work', () => {
      handlerRan = true;
    });
    await h.client.enqueue('work', undefined, { maxAttempts: 1 });
    await worker.start();
    await h.until(() => events.of('dead').length === 1, 'dead-lettered');
    expect(handlerRan).toBe(false);
  });

  it('middleware_calling_next_twice_fails_the_job', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    let runs = 0;
    worker.use(async (_job, _ctx, next) => {
      await next();
      await next();
    });
    worker.register('work', () => {
      runs++;
    });
    await h.client.enqueue('work', undefined, { maxAttempts: 1 });
    await worker.start();
    await h.until(() => events.of('dead').length === 1, 'dead-lettered');
    expect(runs).toBe(1);
    expect(events.of('dead')[0]?.reason).toMatch(/called next\(\) more than once/);
  });
});
