import { RetryPolicy } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../src/index.js';
import { harness } from './support/harness.js';

describe('events and logging', () => {
  it('events_follow_a_jobs_life_in_order', async () => {
    const h = harness();
    const { worker, events } = h.worker({ retryPolicy: RetryPolicy.fixed(0) });
    worker.register('ok', () => {});
    worker.register('bad', () => {
      throw new Error('nope');
    });
    await h.client.enqueue('ok', undefined);
    await h.client.enqueue('bad', undefined, { maxAttempts: 2 });
    await worker.start();
    await h.until(() => events.of('dead').length === 1, 'dead-lettered');
    await h.until(() => events.of('drained').length === 1, 'drained');
    expect(events.names()).toEqual([
      'active',
      'completed',
      'active',
      'failed',
      'retrying',
      'active',
      'failed',
      'dead',
      'drained',
    ]);
    expect(events.of('failed').map((e) => e.willRetry)).toEqual([true, false]);
  });

  it('drained_comes_once_all_work_is_done_and_not_while_a_retry_is_pending', async () => {
    const h = harness();
    const { worker, events } = h.worker({ concurrency: 3, retryPolicy: RetryPolicy.fixed(0) });
    worker.register('flaky', (job) => {
      if (job.attempt < 3) throw new Error('not yet');
    });
    for (let i = 0; i < 3; i++) await h.client.enqueue('flaky', undefined);
    await worker.start();
    await h.until(() => events.of('drained').length === 1, 'drained');
    for (let i = 0; i < 10; i++) await h.clock.flush();
    expect(events.of('completed')).toHaveLength(3);
    expect(events.names().at(-1)).toBe('drained');
    expect(events.of('drained')).toHaveLength(1);
  });

  it('throwing_event_listener_does_not_break_the_worker', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    for (const event of ['active', 'completed', 'drained'] as const) {
      worker.on(event, () => {
        throw new Error(`listener for ${event} broke`);
      });
    }
    worker.on('completed', async () => {
      throw new Error('async listener broke');
    });
    worker.on('error', () => {
      throw new Error('even the error listener broke');
    });
    worker.register('work', () => {});
    await h.client.enqueue('work', undefined);
    await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 2, 'both completed');
    const listenerErrors = events.of('error').filter((e) => e.during === 'listener');
    expect(listenerErrors.length).toBeGreaterThanOrEqual(6);
    expect(worker.status).toBe('started');
  });

  it('throwing_logger_does_not_break_the_worker', async () => {
    const h = harness();
    const broken = () => {
      throw new Error('log transport down');
    };
    const logger: Logger = { debug: broken, info: broken, warn: broken, error: broken };
    const { worker, events } = h.worker({ logger, retryPolicy: RetryPolicy.fixed(0) });
    worker.register('work', (job, ctx) => {
      ctx.log.info('handler logs too');
      if (job.attempt === 1) throw new Error('first run fails');
    });
    await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'completed despite the logger');
    await worker.close();
  });

  it('ctx_log_stamps_each_line_with_the_job', async () => {
    const h = harness();
    const lines: { fields: Record<string, unknown>; message: string; level: string }[] = [];
    const at = (level: string) => (fields: Record<string, unknown>, message: string) => lines.push({ fields, message, level });
    const { worker, events } = h.worker({ logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } });
    worker.register('work', (_job, ctx) => {
      ctx.log.warn('careful', { detail: 1 });
    });
    const { id } = await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'completed');
    expect(lines).toContainEqual({
      level: 'warn',
      message: 'careful',
      fields: { jobId: id, type: 'work', queue: 'default', attempt: 1, detail: 1 },
    });
  });

  it('per_job_debug_lines_follow_the_loggers_debug_level', async () => {
    const run = async (isLevelEnabled?: (level: string) => boolean) => {
      const h = harness();
      const debug: string[] = [];
      const noop = () => {};
      const logger = { debug: (_fields: Record<string, unknown>, message: string) => debug.push(message), info: noop, warn: noop, error: noop };
      // pino's loggers carry isLevelEnabled beside the four methods the Logger interface names.
      const pinoLike: Logger = Object.assign({ ...logger }, { isLevelEnabled });
      const { worker, events } = h.worker({ logger: isLevelEnabled === undefined ? logger : pinoLike });
      worker.register('work', () => {});
      await h.client.enqueue('work', undefined);
      await worker.start();
      await h.until(() => events.of('completed').length === 1, 'completed');
      return debug;
    };
    // A console-like logger (no level query) gets them; a pino-like one with debug off does not.
    expect(await run()).toEqual(['job started', 'job completed']);
    expect(await run((level) => level !== 'debug')).toEqual([]);
    expect(await run(() => true)).toEqual(['job started', 'job completed']);
  });

  it('listener_can_be_removed', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    let calls = 0;
    const off = worker.on('completed', () => {
      calls++;
    });
    let onceCalls = 0;
    worker.once('completed', () => {
      onceCalls++;
    });
    worker.register('work', () => {});
    await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'first');
    off();
    await h.client.enqueue('work', undefined);
    await h.until(() => events.of('completed').length === 2, 'second');
    expect(calls).toBe(1);
    expect(onceCalls).toBe(1);
  });
});
