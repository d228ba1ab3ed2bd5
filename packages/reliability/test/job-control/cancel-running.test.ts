/**
 * Cancelling running jobs across worker processes: two workers take 1,000
 * jobs; 100 of them (`hold`) run until aborted, and the test cancels each as
 * soon as it starts. Every cancelled handler must see its abort soon after
 * the cancel (through the push channel, or at the next heartbeat when the
 * workers do not listen to it), and no job may run twice.
 *
 * A delay runs from the moment the test's cancel call returned (the request
 * is stored and published) to the moment the handler saw its signal abort,
 * both on the machine's clock. The delay from before the call is logged as
 * well: on a busy 2-core machine the caller's own round trip is part of it.
 */
import { type Admin, Client, type JobControl, requireJobControl, type JobRecord } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import {
  baseWorkerConfig,
  FaultWorker,
  inspectAll,
  readStarts,
  SKIP_SHARED,
  TEST_TIMEOUT_MS,
  waitFor,
} from '../support/fault-harness.js';
import { useSharedFaultRedis } from '../support/fault-shared-redis.js';

const JOBS = 1_000;
const CANCELS = 100;
const WORKERS = 2;
const LEASE_MS = 1_500;
const HEARTBEAT_MS = 500;
/**
 * Push: the heartbeat is 10 s, so within the test only the push can bring a
 * cancel: every abort must come within a second, and the median within
 * 100 ms. (On this 2-core machine at a load of 7 to 12 every abort came
 * within 90 ms; at a load of 20 a few took up to 230 ms, which is scheduling,
 * not the path, so the hard bound is not put on each one.)
 * Heartbeat only (500 ms beats, 1,500 ms lease): every abort before the lease
 * could run out (two beats; the next beat is timed from the end of the last),
 * the median within one beat.
 */
const modes = [
  { name: 'push channel', cancelPush: true, leaseMs: 30_000, heartbeatMs: 10_000, limitMs: 1_000, medianMs: 100 },
  {
    name: 'heartbeat only (push channel off)',
    cancelPush: false,
    leaseMs: LEASE_MS,
    heartbeatMs: HEARTBEAT_MS,
    limitMs: 2 * HEARTBEAT_MS,
    medianMs: HEARTBEAT_MS,
  },
] as const;

describe.skipIf(SKIP_SHARED).each(modes)('cancel of running jobs across two worker processes: $name', (mode) => {
  const shared = useSharedFaultRedis(mode.cancelPush ? 'cancelpush' : 'cancelbeat');
  const { prefix, startsKey } = shared;

  it(`cancels ${CANCELS} of ${JOBS} jobs as they run: median abort within ${mode.medianMs} ms, all within ${mode.limitMs} ms, none retried, the rest done`, async () => {
    const { url, redis, driver } = shared;
    const control: Admin & JobControl = requireJobControl(driver, 'cancel running jobs');
    const queue = 'faults';
    const client = new Client(driver);
    const batch = Array.from({ length: JOBS }, (_, n) => ({
      type: n % (JOBS / CANCELS) === 0 ? 'hold' : 'work',
      payload: { n },
      options: { queue },
    }));
    const enqueued = await client.enqueueMany(batch);
    const ids = enqueued.map((result) => result.id);
    const targets = new Set(ids.filter((_, n) => batch[n]?.type === 'hold'));
    expect(targets.size).toBe(CANCELS);

    const config = baseWorkerConfig({
      url,
      prefix,
      leaseMs: mode.leaseMs,
      heartbeatMs: mode.heartbeatMs,
      cancelPush: mode.cancelPush,
      concurrency: 16,
    });
    const workers = Array.from({ length: WORKERS }, () => new FaultWorker(config));
    await Promise.all(workers.map((worker) => worker.ready));

    const cancelledAt = new Map<string, { sent: number; returned: number }>();
    let seen = 0;
    await waitFor(
      `all ${CANCELS} hold jobs started and cancelled`,
      90_000,
      async () => {
        const starts = (await redis.lrange(startsKey, seen, -1)).map((line) => JSON.parse(line) as { id: string });
        seen += starts.length;
        for (const { id } of starts) {
          if (!targets.has(id) || cancelledAt.has(id)) continue;
          const sent = Date.now();
          const outcome = await control.cancel({ queue, id }, { reason: 'test cancel', now: sent });
          expect(outcome).toEqual({ status: 'cancelling' });
          cancelledAt.set(id, { sent, returned: Date.now() });
        }
        return cancelledAt.size === CANCELS;
      },
      10,
    );
    await waitFor('every job finished', 90_000, async () => {
      const counts = await control.counts(queue);
      return counts.done + counts.cancelled === JOBS;
    });
    const counts = await control.counts(queue);
    await Promise.all(workers.map((worker) => worker.stop()));

    const aborted = new Map<string, { at: number; code: string | undefined }>();
    for (const event of workers.flatMap((worker) => worker.events)) {
      if (event.event === 'aborted' && event.id !== undefined) aborted.set(event.id, { at: event.at ?? 0, code: event.code });
    }
    const delaysFrom = (moment: 'sent' | 'returned') =>
      [...targets].map((id) => (aborted.get(id)?.at ?? Number.POSITIVE_INFINITY) - (cancelledAt.get(id)?.[moment] ?? 0));
    const delays = delaysFrom('returned');
    const spread = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `p50=${sorted[CANCELS / 2]} p99=${sorted[CANCELS - 2]} max=${sorted[CANCELS - 1]}`;
    };
    console.info(
      `[job-control] cancel (${mode.name}): jobs=${JOBS} cancels=${CANCELS} abortDelayMs after the call returned ${spread(delays)}; ` +
        `from before the call ${spread(delaysFrom('sent'))}`,
    );

    expect(counts).toMatchObject({ ready: 0, scheduled: 0, inflight: 0, dlq: 0, done: JOBS - CANCELS, cancelled: CANCELS });
    expect([...targets].filter((id) => aborted.get(id)?.code !== 'JOB_CANCELLED')).toEqual([]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(mode.limitMs);
    expect([...delays].sort((a, b) => a - b)[CANCELS / 2]).toBeLessThanOrEqual(mode.medianMs);

    const records = await inspectAll(driver, queue, ids);
    const wrong = ids.filter((id) => {
      const record = records.get(id) as JobRecord | undefined;
      if (targets.has(id)) return record?.status !== 'cancelled' || record.attempts !== 0 || record.cancelRequestedAt === undefined;
      return record?.status !== 'done';
    });
    expect(wrong).toEqual([]);
    const starts = await readStarts(redis, startsKey);
    expect(starts).toHaveLength(JOBS);
    expect(new Set(starts.map((start) => start.id)).size).toBe(JOBS);
    const outcomes = workers.flatMap((worker) => worker.events).filter((event) => ['retrying', 'dead', 'error'].includes(event.event));
    expect(outcomes).toEqual([]);
    expect(workers.flatMap((worker) => worker.events).filter((event) => event.event === 'cancelled')).toHaveLength(CANCELS);
  }, TEST_TIMEOUT_MS);
});
