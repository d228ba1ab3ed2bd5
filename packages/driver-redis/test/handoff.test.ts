import { InvalidLeaseDurationError, type WaitForWorkResult } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import type { RedisDriver } from '../src/index.js';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

const LEASE_MS = 30_000;

describe.skipIf(SKIP_REDIS)('handoff: an enqueue leases its job to an idle wait (Redis)', () => {
  const redis = useRedisFile('handoff');

  function takersKey(queue: string): string {
    return `${redis.prefix}:{${queue}}:takers`;
  }

  /** Polls Redis until the queue's takers set holds `count` offers (the listener puts its offer up before its BLPOP). */
  async function offersStand(queue: string, count: number): Promise<void> {
    for (let i = 0; i < 500; i++) {
      if ((await redis.raw.zcard(takersKey(queue))) === count) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`the takers set of ${queue} never held ${count} offers`);
  }

  function takingWait(driver: RedisDriver, queue: string, signal = new AbortController().signal): Promise<WaitForWorkResult | undefined | void> {
    return driver.waitForWork({ queues: [queue], signal, handoff: { leaseMs: LEASE_MS } });
  }

  it('a_job_enqueued_while_a_taking_wait_is_pending_comes_with_the_wake_up_leased_as_reserve_would', async () => {
    const worker = await redis.driver();
    const client = await redis.driver();
    const queue = uniqueQueue();
    const waiting = takingWait(worker, queue);
    await offersStand(queue, 1);
    const job = newJob(queue);
    await client.enqueue(job, T0);
    const result = await waiting;
    expect(result?.jobs).toHaveLength(1);
    const [handed] = result?.jobs ?? [];
    expect(handed?.job).toMatchObject({ id: job.id, type: job.type, status: 'inflight', attempts: 0 });
    expect(Buffer.from(handed?.job.payload ?? []).equals(Buffer.from(job.payload))).toBe(true);
    expect(handed?.lease).toMatchObject({ jobId: job.id, queue, expiresAt: T0 + LEASE_MS });
    // The job is leased: a reserve finds nothing, the counts say in flight, no wake-up token is left.
    expect((await client.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 })).jobs).toEqual([]);
    expect(await client.counts(queue)).toMatchObject({ ready: 0, inflight: 1 });
    expect(await redis.raw.llen(`${redis.prefix}:{${queue}}:signal`)).toBe(0);
    expect(await redis.raw.zcard(takersKey(queue))).toBe(0);
    // The lease works as a reserved one does.
    await worker.ack(handed?.lease as NonNullable<typeof handed>['lease'], T0 + 5);
    expect((await client.inspect({ queue, id: job.id }))?.status).toBe('done');
  });

  it('older_ready_jobs_go_first_and_a_known_id_takes_no_offer', async () => {
    const worker = await redis.driver();
    const client = await redis.driver();
    const queue = uniqueQueue();
    const signal = `${redis.prefix}:{${queue}}:signal`;
    const older = newJob(queue);
    await client.enqueue(older, T0);
    // Its token taken away, so a wait blocks with its offer up while the older job is ready.
    await redis.raw.del(signal);
    const next = takingWait(worker, queue);
    await offersStand(queue, 1);
    const newer = newJob(queue);
    expect(await client.enqueue(newer, T0)).toEqual({ id: newer.id, existed: false });
    expect((await next)?.jobs?.map((reserved) => reserved.job.id)).toEqual([older.id]);
    expect(await client.counts(queue)).toMatchObject({ ready: 1, inflight: 1 });
    await redis.raw.del(signal);
    const again = takingWait(worker, queue);
    await offersStand(queue, 1);
    expect(await client.enqueue(newer, T0)).toEqual({ id: newer.id, existed: true });
    expect(await redis.raw.zcard(takersKey(queue))).toBe(1);
    expect(await client.counts(queue)).toMatchObject({ ready: 1, inflight: 1 });
    const { jobs } = await client.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 });
    expect(jobs.map((reserved) => reserved.job.id)).toEqual([newer.id]);
    const last = newJob(queue);
    await client.enqueue(last, T0);
    expect((await again)?.jobs?.map((reserved) => reserved.job.id)).toEqual([last.id]);
  });

  it('a_wait_without_handoff_only_wakes_and_the_job_stays_ready', async () => {
    const worker = await redis.driver();
    const queue = uniqueQueue();
    const waiting = worker.waitForWork({ queues: [queue], signal: new AbortController().signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await redis.raw.zcard(takersKey(queue))).toBe(0);
    await worker.enqueue(newJob(queue), T0);
    expect(await waiting).toBeUndefined();
    expect(await worker.counts(queue)).toMatchObject({ ready: 1, inflight: 0 });
  });

  it('an_aborted_wait_withdraws_its_offer_and_a_later_enqueue_leaves_its_job_ready', async () => {
    const worker = await redis.driver();
    const queue = uniqueQueue();
    const controller = new AbortController();
    const waiting = takingWait(worker, queue, controller.signal);
    await offersStand(queue, 1);
    controller.abort();
    expect(await waiting).toBeUndefined();
    await offersStand(queue, 0);
    await worker.enqueue(newJob(queue), T0);
    expect(await worker.counts(queue)).toMatchObject({ ready: 1, inflight: 0 });
  });

  it('a_job_handed_over_as_its_wait_ends_goes_back_to_the_head_of_the_queue_with_no_attempt_counted', async () => {
    const worker = await redis.driver();
    const client = await redis.driver();
    for (let round = 0; round < 5; round++) {
      // A queue per round: the wake-up token a round's give-back leaves would end the next round's wait early.
      const queue = uniqueQueue();
      const controller = new AbortController();
      const waiting = takingWait(worker, queue, controller.signal);
      await offersStand(queue, 1);
      const job = newJob(queue);
      // The abort's withdrawal and the enqueue race: either the enqueue finds no offer, or the
      // job reaches a listener with no taking wait left and is given back.
      controller.abort();
      await client.enqueue(job, T0);
      await waiting;
      let counts = await client.counts(queue);
      for (let i = 0; i < 200 && counts.ready !== 1; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        counts = await client.counts(queue);
      }
      expect(counts).toMatchObject({ ready: 1, inflight: 0 });
      const { jobs } = await client.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 });
      expect(jobs[0]?.job).toMatchObject({ id: job.id, attempts: 0, reclaims: 0 });
      await client.ack(jobs[0]?.lease as NonNullable<(typeof jobs)[0]>['lease'], T0);
    }
  });

  it('a_job_handed_to_a_listener_with_no_taking_wait_left_goes_back_and_wakes_the_other_waits', async () => {
    const worker = await redis.driver();
    const client = await redis.driver();
    const queue = uniqueQueue();
    // Learn the listener's id from its offer, then let the taking wait go.
    const controller = new AbortController();
    const taking = takingWait(worker, queue, controller.signal);
    await offersStand(queue, 1);
    const [offer] = await redis.raw.zrange(takersKey(queue), 0, -1);
    const listenerId = String(offer).split('|')[0];
    const plain = worker.waitForWork({ queues: [queue], signal: new AbortController().signal });
    controller.abort();
    await taking;
    await offersStand(queue, 0);
    // An offer of that listener that nobody takes any more (as one the withdrawal has not reached yet).
    const [seconds] = await redis.raw.time();
    await redis.raw.zadd(takersKey(queue), Number(seconds) * 1000 + 10_000, `${listenerId}|${LEASE_MS}|stray.h`);
    const job = newJob(queue);
    await client.enqueue(job, T0);
    // The listener reads the frame, finds no taking wait, and releases the job: the plain wait wakes on it.
    expect(await plain).toBeUndefined();
    let counts = await client.counts(queue);
    for (let i = 0; i < 200 && counts.ready !== 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      counts = await client.counts(queue);
    }
    expect(counts).toMatchObject({ ready: 1, inflight: 0 });
    expect(await client.inspect({ queue, id: job.id })).toMatchObject({ status: 'ready', attempts: 0, reclaims: 0 });
  });

  it('a_paused_queue_and_a_queue_on_the_flow_path_hand_nothing_over', async () => {
    const worker = await redis.driver();
    const client = await redis.driver();
    const paused = uniqueQueue();
    await client.pause(paused);
    const pausedWait = takingWait(worker, paused);
    await offersStand(paused, 1);
    await client.enqueue(newJob(paused), T0);
    expect(await client.counts(paused)).toMatchObject({ ready: 1, inflight: 0 });

    const flow = uniqueQueue();
    await client.enqueue(newJob(flow, { priority: 5 }), T0);
    await client.reserve({ queue: flow, limit: 1, leaseMs: 1000, now: T0 });
    const flowWait = takingWait(worker, flow);
    await offersStand(flow, 1);
    await client.enqueue(newJob(flow), T0);
    expect(await client.counts(flow)).toMatchObject({ ready: 1, inflight: 1 });
    expect(await flowWait).toBeUndefined();
    await client.resume(paused);
    expect(await pausedWait).toBeUndefined();
  });

  it('every_job_stored_on_the_flow_path_leaves_a_wake_up_token_grouped_and_prioritised_ones_too', async () => {
    const client = await redis.driver();
    const queue = uniqueQueue();
    const signal = `${redis.prefix}:{${queue}}:signal`;
    await client.enqueue(newJob(queue, { priority: 5 }), T0);
    await client.reserve({ queue, limit: 1, leaseMs: 1000, now: T0 });
    // Neither job goes to the plain ready list: one to its priority level, one to its group.
    for (const job of [newJob(queue, { priority: 3 }), newJob(queue, { group: 'g' })]) {
      await redis.raw.del(signal);
      await client.enqueue(job, T0);
      expect(await redis.raw.llen(signal)).toBe(1);
    }
  });

  it('a_lapsed_offer_of_a_listener_that_died_is_dropped_and_takes_no_job', async () => {
    const client = await redis.driver();
    const queue = uniqueQueue();
    const [seconds] = await redis.raw.time();
    await redis.raw.zadd(takersKey(queue), Number(seconds) * 1000 - 1000, `gone|${LEASE_MS}|token.h`);
    await client.enqueue(newJob(queue), T0);
    expect(await client.counts(queue)).toMatchObject({ ready: 1, inflight: 0 });
    expect(await redis.raw.zcard(takersKey(queue))).toBe(0);
  });

  it('one_offer_takes_one_job_and_the_rest_of_a_batch_stays_ready_with_a_wake_up_token', async () => {
    const worker = await redis.driver();
    const client = await redis.driver();
    const queue = uniqueQueue();
    const waiting = takingWait(worker, queue);
    await offersStand(queue, 1);
    const jobs = [newJob(queue), newJob(queue), newJob(queue)];
    await client.enqueueMany(jobs, T0);
    expect((await waiting)?.jobs.map((reserved) => reserved.job.id)).toEqual([jobs[0]?.id]);
    expect(await client.counts(queue)).toMatchObject({ ready: 2, inflight: 1 });
    expect(await redis.raw.llen(`${redis.prefix}:{${queue}}:signal`)).toBe(1);
  });

  it('close_takes_back_a_standing_offer', async () => {
    const worker = await redis.driver();
    const queue = uniqueQueue();
    const waiting = takingWait(worker, queue);
    await offersStand(queue, 1);
    await worker.close();
    expect(await waiting).toBeUndefined();
    expect(await redis.raw.zcard(takersKey(queue))).toBe(0);
  });

  it('with_leases_on_the_server_clock_no_offer_is_made', async () => {
    const worker = await redis.driver({ leaseClock: 'server' });
    const queue = uniqueQueue();
    const waiting = takingWait(worker, queue);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await redis.raw.zcard(takersKey(queue))).toBe(0);
    await worker.enqueue(newJob(queue), T0);
    expect(await waiting).toBeUndefined();
    expect(await worker.counts(queue)).toMatchObject({ ready: 1 });
  });

  it('a_bad_handoff_lease_is_a_typed_error_and_starts_no_wait', async () => {
    const worker = await redis.driver();
    const queue = uniqueQueue();
    await expect(worker.waitForWork({ queues: [queue], signal: new AbortController().signal, handoff: { leaseMs: 0 } })).rejects.toBeInstanceOf(
      InvalidLeaseDurationError,
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await redis.raw.zcard(takersKey(queue))).toBe(0);
  });
});
