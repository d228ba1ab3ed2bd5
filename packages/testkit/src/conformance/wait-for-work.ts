import { getEventListeners } from 'node:events';
import { ValidationError, type WaitForWorkRequest } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError } from './assertions.js';
import { deadJob, enqueueAndReserve, enqueueJob, newJob, retryUpdate } from './fixtures.js';
import type { Harness, Setup } from './setup.js';

/** How long a case waits, in real time, for a wake-up that should come; only a failing driver ever waits this long. */
const WAKE_GUARD_MS = 2000;

interface Waiting {
  promise: Promise<void>;
  resolved(): boolean;
  abort(): void;
}

function startWaiting(h: Harness, queues: string[], controller = new AbortController()): Waiting {
  let resolved = false;
  const promise = h.driver.waitForWork({ queues, signal: controller.signal }).then(() => {
    resolved = true;
  });
  return { promise, resolved: () => resolved, abort: () => controller.abort() };
}

/** Gives the driver a round trip and the event loop a turn, so a wake-up that was going to happen has happened. */
async function settle(h: Harness): Promise<void> {
  await h.driver.counts(h.queue);
  await h.clock.flush();
  await h.clock.flush();
}

async function expectWakes(waiting: Waiting, after: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<'still waiting'>((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), WAKE_GUARD_MS);
  });
  const outcome = await Promise.race([waiting.promise.then(() => 'resolved' as const), guard]);
  clearTimeout(timer);
  expect(outcome, `waitForWork should resolve ${after}`).toBe('resolved');
}

export function waitForWorkCases(setup: Setup): void {
  describe('waitForWork', () => {
    it('wait_for_work_resolves_on_enqueue_to_a_watched_queue', async () => {
      const h = await setup();
      const waiting = startWaiting(h, [h.queue]);
      await enqueueJob(h);
      await expectWakes(waiting, 'after an enqueue to the watched queue');
    });

    it('wait_for_work_does_not_resolve_for_another_queue', async () => {
      const h = await setup();
      const waiting = startWaiting(h, [h.queue]);
      await h.driver.enqueue(newJob(h.newQueue()), h.clock.now());
      await settle(h);
      expect(waiting.resolved()).toBe(false);
      await enqueueJob(h);
      await expectWakes(waiting, 'after an enqueue to the watched queue');
    });

    it('wait_for_work_watches_every_queue_it_names', async () => {
      const h = await setup();
      const waiting = startWaiting(h, [h.newQueue(), h.queue]);
      await enqueueJob(h);
      await expectWakes(waiting, 'after an enqueue to the second watched queue');
    });

    it('wait_for_work_resolves_on_release', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const waiting = startWaiting(h, [h.queue]);
      await h.driver.release(lease, h.clock.now());
      await expectWakes(waiting, 'after a release');
    });

    it('wait_for_work_resolves_on_runnable_retry', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const waiting = startWaiting(h, [h.queue]);
      await h.driver.retry(lease, retryUpdate(h), h.clock.now());
      await expectWakes(waiting, 'after a retry that is runnable now');
    });

    it('wait_for_work_resolves_on_scheduled_enqueue', async () => {
      const h = await setup();
      const waiting = startWaiting(h, [h.queue]);
      await h.driver.enqueue(newJob(h.queue, { runAt: h.clock.now() + 60_000 }), h.clock.now());
      await expectWakes(waiting, 'after a scheduled enqueue, so the caller re-reads nextDueAt');
    });

    it('wait_for_work_resolves_on_scheduled_retry', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const waiting = startWaiting(h, [h.queue]);
      await h.driver.retry(lease, retryUpdate(h, { runAt: h.clock.now() + 60_000 }), h.clock.now());
      await expectWakes(waiting, 'after a retry scheduled for later');
    });

    it('wait_for_work_resolves_on_requeue', async () => {
      const h = await setup();
      const { lease } = await deadJob(h);
      const waiting = startWaiting(h, [h.queue]);
      await h.driver.requeueDlq({ queue: h.queue, id: lease.jobId }, { now: h.clock.now() });
      await expectWakes(waiting, 'after a requeue');
    });

    it('wait_for_work_resolves_on_abort', async () => {
      const h = await setup();
      const waiting = startWaiting(h, [h.queue]);
      await settle(h);
      expect(waiting.resolved()).toBe(false);
      waiting.abort();
      await expectWakes(waiting, 'when its signal aborts');
    });

    it('wait_for_work_resolves_at_once_when_the_signal_is_already_aborted', async () => {
      const h = await setup();
      const controller = new AbortController();
      controller.abort();
      await expectWakes(startWaiting(h, [h.queue], controller), 'when its signal was aborted before the call');
    });

    it('wait_for_work_rejects_invalid_queues_or_signal', async () => {
      const h = await setup();
      // Aborted, so a driver that wrongly accepts the queues resolves at once instead of waiting.
      const aborted = AbortSignal.abort();
      const invalid: [field: string, request: unknown][] = [
        ['queues', { queues: 42, signal: aborted }],
        ['queues', { queues: [h.queue, ''], signal: aborted }],
        ['queues', { queues: [`{${h.queue}}`], signal: aborted }],
        ['signal', { queues: [h.queue] }],
        ['signal', { queues: [h.queue], signal: { aborted: false } }],
        ['signal', { queues: [h.queue], signal: { addEventListener: () => {} } }],
      ];
      for (const [field, request] of invalid) {
        const wait = () => h.driver.waitForWork(request as WaitForWorkRequest);
        expect((await expectError(wait, ValidationError)).field, JSON.stringify(request)).toBe(field);
      }
    });

    it('wait_for_work_leaves_no_abort_listener_on_the_signal', async () => {
      const h = await setup();
      const controller = new AbortController();
      const woken = startWaiting(h, [h.queue], controller);
      await enqueueJob(h);
      await expectWakes(woken, 'after an enqueue to the watched queue');
      expect(getEventListeners(controller.signal, 'abort'), 'after a wake').toHaveLength(0);
      const aborted = startWaiting(h, [h.queue], controller);
      controller.abort();
      await expectWakes(aborted, 'when its signal aborts');
      expect(getEventListeners(controller.signal, 'abort'), 'after an abort').toHaveLength(0);
      const other = new AbortController();
      const closed = startWaiting(h, [h.queue], other);
      await h.driver.close();
      await expectWakes(closed, 'when the driver closes');
      expect(getEventListeners(other.signal, 'abort'), 'after close').toHaveLength(0);
    });

    it('wait_for_work_resolves_on_close', async () => {
      const h = await setup();
      const waiting = startWaiting(h, [h.queue]);
      await settle(h);
      expect(waiting.resolved()).toBe(false);
      await h.driver.close();
      await expectWakes(waiting, 'when the driver closes');
    });
  });
}
