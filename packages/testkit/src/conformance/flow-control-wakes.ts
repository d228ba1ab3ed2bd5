import { describe, expect, it } from 'vitest';
import { resolvesWithin } from './assertions.js';
import { enqueueAndReserve, failUpdate, LEASE_MS, newJob, retryUpdate } from './fixtures.js';
import { flow, reserveAt } from './flow-control-fixtures.js';
import type { Harness, Setup } from './setup.js';

/** The job an operation stored or made runnable again, and whether a reserve may hand it out now. */
interface Stored {
  id: string;
  runnable: boolean;
}

/**
 * Operations that store a job or make one runnable again, on a queue that
 * orders its jobs by flow control. Each prepares what it needs (jobs it
 * leases first) before the wait starts, then acts once the wait is out.
 */
const OPERATIONS: readonly {
  name: string;
  prepare: (h: Harness) => Promise<() => Promise<Stored>>;
}[] = [
  {
    name: 'an_enqueue_of_a_prioritised_job',
    prepare: async (h) => async () => {
      const job = newJob(h.queue, { createdAt: h.clock.now(), priority: 3 });
      await h.driver.enqueue(job, h.clock.now());
      return { id: job.id, runnable: true };
    },
  },
  {
    name: 'an_enqueue_of_a_grouped_job',
    prepare: async (h) => async () => {
      const job = newJob(h.queue, { createdAt: h.clock.now(), group: 'g' });
      await h.driver.enqueue(job, h.clock.now());
      return { id: job.id, runnable: true };
    },
  },
  {
    name: 'an_enqueue_many_of_prioritised_and_grouped_jobs',
    prepare: async (h) => async () => {
      const first = newJob(h.queue, { createdAt: h.clock.now(), priority: -1 });
      const second = newJob(h.queue, { createdAt: h.clock.now(), group: 'g', priority: 2 });
      await h.driver.enqueueMany([first, second], h.clock.now());
      return { id: first.id, runnable: true };
    },
  },
  {
    name: 'an_enqueue_of_a_grouped_job_scheduled_for_later',
    prepare: async (h) => async () => {
      const job = newJob(h.queue, { createdAt: h.clock.now(), group: 'g', runAt: h.clock.now() + 60_000 });
      await h.driver.enqueue(job, h.clock.now());
      return { id: job.id, runnable: false };
    },
  },
  {
    name: 'a_release_of_a_grouped_job',
    prepare: async (h) => {
      const { lease } = await enqueueAndReserve(h, { job: { group: 'g' } });
      return async () => {
        await h.driver.release(lease, h.clock.now());
        return { id: lease.jobId, runnable: true };
      };
    },
  },
  {
    name: 'a_runnable_retry_of_a_prioritised_job',
    prepare: async (h) => {
      const { lease } = await enqueueAndReserve(h, { job: { priority: 4 } });
      return async () => {
        await h.driver.retry(lease, retryUpdate(h), h.clock.now());
        return { id: lease.jobId, runnable: true };
      };
    },
  },
  {
    name: 'a_retry_of_a_grouped_job_scheduled_for_later',
    prepare: async (h) => {
      const { lease } = await enqueueAndReserve(h, { job: { group: 'g' } });
      return async () => {
        await h.driver.retry(lease, retryUpdate(h, { runAt: h.clock.now() + 60_000 }), h.clock.now());
        return { id: lease.jobId, runnable: false };
      };
    },
  },
  {
    name: 'a_snooze_to_now_of_a_grouped_job',
    prepare: async (h) => {
      const { lease } = await enqueueAndReserve(h, { job: { group: 'g', priority: 2 } });
      return async () => {
        await flow(h).snooze(lease, h.clock.now(), h.clock.now());
        return { id: lease.jobId, runnable: true };
      };
    },
  },
  {
    name: 'a_snooze_for_later_of_a_prioritised_job',
    prepare: async (h) => {
      const { lease } = await enqueueAndReserve(h, { job: { priority: 1 } });
      return async () => {
        await flow(h).snooze(lease, h.clock.now() + 60_000, h.clock.now());
        return { id: lease.jobId, runnable: false };
      };
    },
  },
  {
    name: 'a_requeue_of_a_grouped_dead_letter',
    prepare: async (h) => {
      const { lease } = await enqueueAndReserve(h, { job: { group: 'g', priority: 1 } });
      await h.driver.fail(lease, failUpdate(h), h.clock.now());
      return async () => {
        await h.driver.requeueDlq({ queue: h.queue, id: lease.jobId }, { now: h.clock.now() });
        return { id: lease.jobId, runnable: true };
      };
    },
  },
];

/**
 * The wake-ups of docs/driver-contract.md ("waitForWork") on a queue whose
 * jobs go by priority and group: every job stored as ready or scheduled,
 * and every release or snooze, wakes the queue's waits, those that ask for
 * a handoff as well as those that do not. A driver that keeps flow-path
 * jobs apart from plain ones must not leave them out of its wake-ups. A
 * taking wait may get the job, if it is runnable and the one reserve would
 * hand out next; either way it is not lost.
 */
export function flowControlWakeCases(setup: Setup): void {
  describe('flow control: waitForWork wakes for flow-path jobs', () => {
    for (const operation of OPERATIONS) {
      for (const taking of [false, true]) {
        const wait = taking ? 'a_taking_wait' : 'a_plain_wait';
        it(`${operation.name}_wakes_${wait}`, async () => {
          const h = await setup();
          // The queue orders its jobs by flow control from its first prioritised job on; that job stays leased.
          await enqueueAndReserve(h, { job: { priority: 5 } });
          const act = await operation.prepare(h);
          // Nothing is runnable now, so no wake-up is owed yet (a driver may drop a leftover one here).
          expect((await reserveAt(h)).ids).toEqual([]);
          const waiting = h.driver.waitForWork({
            queues: [h.queue],
            signal: new AbortController().signal,
            ...(taking ? { handoff: { leaseMs: LEASE_MS } } : {}),
          });
          // A round trip and a turn, so a driver that puts up an offer has had the chance to.
          await h.driver.counts(h.queue);
          await h.clock.flush();
          const stored = await act();
          const handed = (await resolvesWithin(waiting, `after ${operation.name.replaceAll('_', ' ')}`))?.jobs ?? [];
          expect(handed.length).toBeLessThanOrEqual(taking && stored.runnable ? 1 : 0);
          const reserved = await reserveAt(h);
          const taken = [...handed.map((job) => job.job.id), ...reserved.ids];
          if (stored.runnable) expect(taken).toContain(stored.id);
          else expect(taken).not.toContain(stored.id);
        });
      }
    }
  });
}
