import type { MemoryDriver } from '@taskharbor/driver-memory';
import { describe, expect, it } from 'vitest';
import { WorkerShutdownError } from '../src/index.js';
import { START_CHUNK } from '../src/job-loop.js';
import { Gate, harness } from './support/harness.js';

describe('graceful shutdown', () => {
  it('close_waits_for_running_handlers_within_the_grace_period', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ concurrency: 2, shutdownGraceMs: 10_000 });
    worker.register('work', () => gate.promise);
    await h.client.enqueue('work', undefined);
    await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 2, 'two running');

    let closed = false;
    const closing = worker.close().then(() => {
      closed = true;
    });
    await h.clock.advance(5_000);
    expect(closed).toBe(false);
    expect(worker.status).toBe('closing');
    gate.resolve();
    await closing;
    expect(events.of('completed')).toHaveLength(2);
    expect(h.driver.count('release')).toBe(0);
    expect(worker.status).toBe('closed');
  });

  it('close_gives_back_the_jobs_of_a_reserve_still_on_its_way_before_it_resolves', async () => {
    const h = harness();
    const reply = new Gate();
    h.driver.override('reserve', async (real, request: Parameters<MemoryDriver['reserve']>[0]) => {
      const result = await real.reserve(request);
      await reply.promise;
      return result;
    });
    const { worker, events } = h.worker({ concurrency: 4 });
    worker.register('work', () => {});
    for (let i = 0; i < 3; i++) await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => h.driver.count('reserve') === 1, 'a reserve on its way');
    expect(await h.memory.counts('default')).toMatchObject({ inflight: 3 });

    let closed = false;
    const closing = worker.close().then(() => {
      closed = true;
    });
    for (let i = 0; i < 10; i++) await h.clock.flush();
    expect(closed).toBe(false);
    reply.resolve();
    await closing;
    expect(events.of('active')).toHaveLength(0);
    expect(h.driver.count('release')).toBe(3);
    expect(await h.memory.counts('default')).toMatchObject({ ready: 3, inflight: 0 });
  });

  it('close_between_the_parts_of_a_large_reply_gives_back_the_jobs_not_yet_started', async () => {
    const h = harness();
    const { worker, events } = h.worker({ concurrency: 200 });
    let closing: Promise<void> | undefined;
    worker.register('work', () => {
      // The first job closes the worker once the jobs started with it are under way.
      closing ??= Promise.resolve().then(() => worker.close());
    });
    for (let i = 0; i < 120; i++) await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => closing !== undefined, 'the first part running');
    await closing;
    expect(events.of('active')).toHaveLength(START_CHUNK);
    expect(events.of('completed')).toHaveLength(START_CHUNK);
    expect(h.driver.count('release')).toBe(120 - START_CHUNK);
    expect(await h.memory.counts('default')).toMatchObject({ ready: 120 - START_CHUNK, inflight: 0 });
    const back = await h.memory.list({ queue: 'default', status: 'ready', limit: 100 });
    expect(back.jobs.every((job) => job.attempts === 0)).toBe(true);
  });

  it('close_aborts_handlers_still_running_after_the_grace_period_and_releases_their_jobs', async () => {
    const h = harness();
    const { worker, events } = h.worker({ shutdownGraceMs: 10_000 });
    let signal: AbortSignal | undefined;
    worker.register('stuck', (_job, ctx) => {
      signal = ctx.signal;
      return new Promise(() => {}); // ignores its signal entirely
    });
    const { id } = await h.client.enqueue('stuck', undefined);
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'running');

    const closing = worker.close();
    await h.clock.advance(9_999);
    expect(signal?.aborted).toBe(false);
    await h.clock.advance(1);
    await closing;
    expect(signal?.reason).toBeInstanceOf(WorkerShutdownError);
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('ready');
    expect(record?.attempts).toBe(0);

    // Another worker starts it at once, with no attempt counted.
    const { worker: other, events: otherEvents } = h.worker();
    const attempts: number[] = [];
    other.register('stuck', (job) => {
      attempts.push(job.attempt);
    });
    await other.start();
    await h.until(() => otherEvents.of('completed').length === 1, 'run by the other worker');
    expect(attempts).toEqual([1]);
  });

  it('close_stops_reserving_new_jobs', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    worker.register('work', () => {});
    await worker.start();
    await h.until(() => events.of('drained').length === 1, 'idle');
    await worker.close();
    const reserves = h.driver.count('reserve');
    await h.client.enqueue('work', undefined);
    await h.clock.advance(60_000);
    expect(h.driver.count('reserve')).toBe(reserves);
    expect(events.of('active')).toHaveLength(0);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('close_is_idempotent_and_a_closed_worker_cannot_start_again', async () => {
    const h = harness();
    const { worker } = h.worker();
    await worker.start();
    const first = worker.close();
    expect(worker.close()).toBe(first);
    await first;
    await expect(worker.start()).rejects.toThrow(/closed/);
  });

  it('job_reserved_while_close_began_is_released_without_running', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    worker.register('work', () => {});
    const { id } = await h.client.enqueue('work', undefined);
    // Hold the first reserve's answer until close has begun.
    const gate = new Gate();
    h.driver.override('reserve', async (real, request: never) => {
      await gate.promise;
      return real.reserve(request);
    });
    await worker.start();
    const closing = worker.close();
    gate.resolve();
    await closing;
    expect(events.of('active')).toHaveLength(0);
    expect((await h.memory.inspect({ queue: 'default', id }))?.status).toBe('ready');
  });

  it('closeOnSignals_closes_on_SIGTERM_and_a_second_signal_ends_the_grace_period', async () => {
    const h = harness();
    const { worker, events } = h.worker({ shutdownGraceMs: 60_000 });
    worker.register('stuck', () => new Promise(() => {}));
    await h.client.enqueue('stuck', undefined);
    const before = process.listenerCount('SIGTERM');
    worker.closeOnSignals();
    await worker.start();
    await h.until(() => events.of('active').length === 1, 'running');

    process.emit('SIGTERM');
    expect(worker.status).toBe('closing');
    process.emit('SIGINT');
    await h.until(() => worker.status === 'closed', 'closed without waiting out the grace period');
    expect(h.driver.count('release')).toBe(1);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
