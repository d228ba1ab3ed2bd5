import { InvalidLeaseDurationError, type ReservedJob, type WaitForWorkRequest, type WaitForWorkResult } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError, resolvesWithin } from './assertions.js';
import { LEASE_MS, newJob, reserveIds } from './fixtures.js';
import type { Harness, Setup } from './setup.js';

/** A wait that takes a job with its wake-up. */
function takingWait(h: Harness, signal = new AbortController().signal): Promise<WaitForWorkResult | undefined | void> {
  return h.driver.waitForWork({ queues: [h.queue], signal, handoff: { leaseMs: LEASE_MS } });
}

function handedJobs(result: WaitForWorkResult | undefined | void): ReservedJob[] {
  return result?.jobs ?? [];
}

/**
 * Handoff (docs/driver-contract.md, "waitForWork"): a driver may answer a
 * wait that asks for it with a job already leased to the caller. It need
 * not (the memory driver never does), so every case accepts both answers
 * and checks what each promises: at most one job, the one a reserve would
 * have handed out next, leased as reserve leases it; none for a wait that
 * did not ask or had ended; and no job lost either way.
 */
export function handoffCases(setup: Setup): void {
  describe('waitForWork handoff', () => {
    it('handoff_a_taking_wait_gets_at_most_the_next_job_leased_to_it_and_no_job_is_lost', async () => {
      const h = await setup();
      const waiting = takingWait(h);
      // A round trip and a turn, so a driver that puts up an offer has had the chance to.
      await h.driver.counts(h.queue);
      await h.clock.flush();
      const now = h.clock.now();
      const first = newJob(h.queue, { createdAt: now });
      const second = newJob(h.queue, { createdAt: now });
      await h.driver.enqueueMany([first, second], now);
      const jobs = handedJobs(await resolvesWithin(waiting, 'after an enqueue'));
      expect(jobs.length).toBeLessThanOrEqual(1);
      const handed = jobs[0];
      if (handed === undefined) {
        expect(await reserveIds(h)).toEqual([first.id, second.id]);
        return;
      }
      expect(handed.job).toMatchObject({ id: first.id, queue: h.queue, status: 'inflight', attempts: 0 });
      expect(handed.lease).toMatchObject({ jobId: first.id, queue: h.queue, expiresAt: now + LEASE_MS });
      expect(await reserveIds(h)).toEqual([second.id]);
      expect(await h.driver.counts(h.queue)).toMatchObject({ ready: 0, inflight: 2 });
      await h.driver.ack(handed.lease, h.clock.now());
      expect((await h.driver.inspect({ queue: h.queue, id: first.id }))?.status).toBe('done');
    });

    it('handoff_a_wait_that_did_not_ask_gets_no_job', async () => {
      const h = await setup();
      const waiting = h.driver.waitForWork({ queues: [h.queue], signal: new AbortController().signal });
      await h.driver.counts(h.queue);
      await h.clock.flush();
      const job = newJob(h.queue, { createdAt: h.clock.now() });
      await h.driver.enqueue(job, h.clock.now());
      expect(handedJobs(await resolvesWithin(waiting, 'after an enqueue'))).toEqual([]);
      expect(await reserveIds(h)).toEqual([job.id]);
    });

    it('handoff_a_wait_aborted_before_the_enqueue_gets_no_job_and_the_job_stays_runnable', async () => {
      const h = await setup();
      const controller = new AbortController();
      const waiting = takingWait(h, controller.signal);
      await h.driver.counts(h.queue);
      await h.clock.flush();
      controller.abort();
      expect(handedJobs(await resolvesWithin(waiting, 'when its signal aborts'))).toEqual([]);
      const job = newJob(h.queue, { createdAt: h.clock.now() });
      await h.driver.enqueue(job, h.clock.now());
      const { jobs } = await h.driver.reserve({ queue: h.queue, limit: 10, leaseMs: LEASE_MS, now: h.clock.now() });
      expect(jobs.map((reserved) => reserved.job.id)).toEqual([job.id]);
      expect(jobs[0]?.job).toMatchObject({ attempts: 0, reclaims: 0 });
    });

    it('handoff_an_invalid_lease_length_is_rejected_before_anything_waits', async () => {
      const h = await setup();
      for (const leaseMs of [0, -1, 1.5, Number.NaN, '1000']) {
        const request = { queues: [h.queue], signal: new AbortController().signal, handoff: { leaseMs } } as unknown as WaitForWorkRequest;
        await expectError(() => h.driver.waitForWork(request), InvalidLeaseDurationError);
      }
      const notAnObject = { queues: [h.queue], signal: AbortSignal.abort(), handoff: 5 } as unknown as WaitForWorkRequest;
      await expectError(() => h.driver.waitForWork(notAnObject), Error);
    });
  });
}
