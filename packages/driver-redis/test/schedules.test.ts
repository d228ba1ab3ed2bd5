import { advanceRequest, occurrenceJobId, planAdvance, ScheduleNotFoundError, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { KeySpace } from '../src/keys.js';
import { runClaimSchedule } from '../src/lua/claim-schedule.js';
import { runPutSchedule } from '../src/lua/put-schedule.js';
import { runRemoveSchedule } from '../src/lua/remove-schedule.js';
import type { RedisDriver } from '../src/index.js';
import { newJob, scanKeys, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';
import { MINUTE, putAt, specIn, uniqueScheduleName } from './support/schedules.js';

/**
 * What the Redis design adds to the schedules contract: the keys and fields
 * it writes (docs/redis.md, "Schedules"), and the global name index, which
 * is written in a step of its own beside the queue's script. Each race or
 * crash between the two steps is replayed here step by step, with the
 * driver's own scripts.
 */
describe.skipIf(SKIP_REDIS)('schedules on Redis: keys and the global name index', () => {
  const redis = useRedisFile('schedules');
  const space = () => new KeySpace(redis.prefix);

  /** Every entry of the index for `name` (there must never be more than one). */
  const entriesOf = (name: string) => redis.raw.zrangebylex(space().schedules, `[${name} `, `(${name}!`);

  /** The names schedules() lists, over every page. */
  async function listedNames(driver: RedisDriver, limit: number): Promise<string[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await driver.schedules(cursor === undefined ? { limit } : { limit, cursor });
      names.push(...page.schedules.map((record) => record.name));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return names;
  }

  it('a_schedule_is_one_hash_in_its_queue_slot_and_one_index_member_with_the_documented_fields', async () => {
    const prefix = `${redis.prefix}:layout`;
    const driver = await redis.driver({ keyPrefix: prefix });
    const queue = uniqueQueue();
    const spec = specIn(queue, uniqueScheduleName(), { startAt: T0, limit: 3, jobOptions: { timeoutMs: 5_000 } });
    const next = T0 + MINUTE;
    const base = `${prefix}:{${queue}}:`;
    const pendingId = occurrenceJobId(spec.name, next);
    const keysNow = async () => (await scanKeys(redis.raw, `${prefix}:`)).map((key) => key.slice(prefix.length));
    const globals = [':queues', ':version', ':schedules'];

    await driver.putSchedule(putAt(spec, T0));
    expect(await keysNow()).toEqual(
      [...globals, ...[`schedule:${spec.name}`, `job:${pendingId}`, 'scheduled', 'ids', 'ids:', 'signal'].map((key) => `:{${queue}}:${key}`)].sort(),
    );
    const record = await redis.raw.hgetall(`${base}schedule:${spec.name}`);
    expect(Object.keys(record).sort()).toEqual(
      [
        'name', 'queue', 'type', 'payload', 'every_nano', 'timezone', 'start_at_nano', 'limit', 'catch_up', 'max_attempts',
        'timeout_nano', 'revision', 'paused', 'runs', 'version', 'created_at_nano', 'updated_at_nano', 'claim',
        'next_run_at_nano', 'pending_job',
      ].sort(),
    );
    expect(record).toMatchObject({
      name: spec.name,
      queue,
      payload: '{"n":1}',
      every_nano: '60000000000',
      timezone: 'UTC',
      start_at_nano: `${T0}000000`,
      limit: '3',
      catch_up: 'latest',
      timeout_nano: '5000000000',
      paused: '0',
      runs: '0',
      version: '1',
      created_at_nano: `${T0}000000`,
      next_run_at_nano: `${next}000000`,
      pending_job: pendingId,
    });
    expect(await redis.raw.zrange(`${prefix}:schedules`, 0, -1)).toEqual([`${spec.name} ${queue} ${record.claim}`]);
    expect((await redis.raw.hkeys(`${base}job:${pendingId}`)).sort()).toEqual(
      ['type', 'payload', 'status', 'created_at_nano', 'max_attempts', 'run_at_nano', 'timeout_nano', 'schedule', 'scheduled_for_nano'].sort(),
    );
    expect(await redis.raw.hmget(`${base}job:${pendingId}`, 'status', 'schedule', 'scheduled_for_nano')).toEqual(['scheduled', spec.name, `${next}000000`]);

    // The worker's step: reserve the occurrence, advance the schedule; the hash gains last_run_at_nano.
    const [held] = (await driver.reserve({ queue, limit: 1, leaseMs: MINUTE, now: next })).jobs;
    const stored = await driver.getSchedule(spec.name);
    if (held === undefined || stored === undefined) return expect.fail('the occurrence and the schedule should be there');
    expect(await driver.advanceSchedule(advanceRequest(stored, planAdvance(stored, next, 'held'), next, held.lease))).toEqual({ advanced: true });
    expect(await redis.raw.hmget(`${base}schedule:${spec.name}`, 'version', 'runs', 'last_run_at_nano', 'next_run_at_nano', 'pending_job')).toEqual([
      '2',
      '1',
      `${next}000000`,
      `${next + MINUTE}000000`,
      occurrenceJobId(spec.name, next + MINUTE),
    ]);

    // remove: the hash, the index member and the waiting occurrence go; the one in flight runs on
    // (the advance's wake-up token stays for the next waitForWork).
    expect(await driver.removeSchedule(spec.name)).toBe(true);
    expect(await keysNow()).toEqual(
      [':queues', ':version', ...[`job:${pendingId}`, 'inflight', 'ids', 'ids:', 'signal'].map((key) => `:{${queue}}:${key}`)].sort(),
    );
  });

  it('one_enqueue_call_stores_jobs_with_and_without_a_schedule_each_with_its_own_fields', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const plain = newJob(queue);
    const made = newJob(queue, { schedule: 'reports', scheduledFor: T0 - MINUTE });
    const last = newJob(queue, { idempotencyKey: 'k-1' });
    await driver.enqueueMany([plain, made, last], T0);
    const base = space().queue(queue);
    expect((await redis.raw.hkeys(base.job(plain.id))).sort()).toEqual(['max_attempts', 'payload', 'status', 'type']);
    expect(await redis.raw.hmget(base.job(made.id), 'schedule', 'scheduled_for_nano')).toEqual(['reports', `${T0 - MINUTE}000000`]);
    expect(await redis.raw.hmget(base.job(last.id), 'schedule', 'idempotency_key')).toEqual([null, 'k-1']);
    const { jobs } = await driver.reserve({ queue, limit: 3, leaseMs: MINUTE, now: T0 });
    expect(jobs.map(({ job }) => [job.id, job.schedule, job.scheduledFor])).toEqual([
      [plain.id, undefined, undefined],
      [made.id, 'reports', T0 - MINUTE],
      [last.id, undefined, undefined],
    ]);
  });

  it('a_put_cut_short_after_its_claim_leaves_an_entry_that_reads_as_no_schedule_and_the_next_put_takes_over', async () => {
    const driver = await redis.driver();
    const [first, second] = [uniqueQueue(), uniqueQueue()];
    const name = uniqueScheduleName();
    // The put claimed the name for `first`, then its process died before the queue's script.
    expect(await runClaimSchedule(redis.raw, space().schedules, name, first, 'claim-1')).toEqual({ claimed: true });

    expect(await driver.getSchedule(name)).toBeUndefined();
    expect(await listedNames(driver, 1000)).not.toContain(name);
    expect(await driver.removeSchedule(name)).toBe(false);
    await expect(driver.pauseSchedule(name)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await expect(driver.triggerSchedule(name, { now: T0 })).rejects.toBeInstanceOf(ScheduleNotFoundError);

    // A put into another queue takes the entry over; the name then lives there.
    const { status } = await driver.putSchedule(putAt(specIn(second, name), T0));
    expect(status).toBe('created');
    const [entry] = await entriesOf(name);
    expect(await entriesOf(name)).toHaveLength(1);
    expect(entry?.startsWith(`${name} ${second} `)).toBe(true);
    expect(await driver.getSchedule(name)).toMatchObject({ queue: second, version: 1 });
    const refused = await driver.putSchedule(putAt(specIn(first, name), T0)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).field).toBe('queue');
    expect(await scanKeys(redis.raw, `${redis.prefix}:{${first}}`)).toEqual([]);
  });

  it('a_put_cut_short_in_the_same_queue_is_taken_over_by_the_next_put_of_that_queue', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const name = uniqueScheduleName();
    await runClaimSchedule(redis.raw, space().schedules, name, queue, 'claim-1');
    expect((await driver.putSchedule(putAt(specIn(queue, name), T0))).status).toBe('created');
    expect(await entriesOf(name)).toHaveLength(1);
    expect(await driver.getSchedule(name)).toMatchObject({ queue, version: 1 });
  });

  it('a_remove_cut_short_before_its_index_step_leaves_an_entry_that_reads_as_no_schedule', async () => {
    const driver = await redis.driver();
    const [first, second] = [uniqueQueue(), uniqueQueue()];
    const name = uniqueScheduleName();
    await driver.putSchedule(putAt(specIn(first, name), T0));
    // The queue's script ran; the process died before it removed the index entry.
    expect(await runRemoveSchedule(redis.raw, space().queue(first), name)).toEqual(expect.any(String));
    expect(await entriesOf(name)).toHaveLength(1);

    expect(await driver.getSchedule(name)).toBeUndefined();
    expect(await listedNames(driver, 1000)).not.toContain(name);
    expect(await driver.removeSchedule(name)).toBe(false);
    expect((await driver.putSchedule(putAt(specIn(second, name), T0))).status).toBe('created');
    expect(await driver.getSchedule(name)).toMatchObject({ queue: second });
    expect(await entriesOf(name)).toHaveLength(1);
  });

  it('a_remove_racing_a_put_of_the_same_queue_keeps_the_index_entry_of_the_newer_put', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const name = uniqueScheduleName();
    await driver.putSchedule(putAt(specIn(queue, name), T0));
    // A second put (a new definition) has claimed the name but not yet run its script ...
    expect(await runClaimSchedule(redis.raw, space().schedules, name, queue, 'claim-2')).toEqual({ claimed: true });
    // ... when a remove runs, both of its steps.
    expect(await driver.removeSchedule(name)).toBe(true);
    expect(await entriesOf(name)).toEqual([`${name} ${queue} claim-2`]);
    // Then the second put's script writes its record: the index still names it.
    const replacement = specIn(queue, name, { everyMs: 2 * MINUTE });
    expect((await runPutSchedule(redis.raw, space().queue(queue), putAt(replacement, T0), 'claim-2')).status).toBe('created');
    expect(await driver.getSchedule(name)).toMatchObject({ revision: replacement.revision, version: 1 });
    expect(await listedNames(driver, 1000)).toContain(name);
    expect(await driver.removeSchedule(name)).toBe(true);
    expect(await entriesOf(name)).toEqual([]);
  });

  it('an_unchanged_put_takes_a_new_claim_so_a_later_remove_cleans_the_index', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const spec = specIn(queue);
    await driver.putSchedule(putAt(spec, T0));
    expect((await driver.putSchedule(putAt(spec, T0 + 1_000))).status).toBe('unchanged');
    const [entry] = await entriesOf(spec.name);
    expect(entry).toBe(`${spec.name} ${queue} ${await redis.raw.hget(space().queue(queue).schedule(spec.name), 'claim')}`);
    expect(await driver.removeSchedule(spec.name)).toBe(true);
    expect(await entriesOf(spec.name)).toEqual([]);
  });

  it('schedules_pages_in_byte_order_of_names_and_skips_entries_without_a_record', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const stem = uniqueScheduleName();
    // '!' (0x21) is the lowest byte a name may hold, right above the space that ends a name in the index.
    const names = [`${stem}`, `${stem}!`, `${stem}-b`, `${stem}a`, `${stem}z`, `${stem}é`, `${stem}!!`];
    for (const name of names) await driver.putSchedule(putAt(specIn(queue, name), T0));
    await runClaimSchedule(redis.raw, space().schedules, `${stem}0`, queue, 'cut-short');
    const byBytes = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const limit of [1, 2, 1000]) {
      expect((await listedNames(driver, limit)).filter((name) => name.startsWith(stem))).toEqual(byBytes);
    }
  });

  it('advance_without_a_lease_finds_the_queue_through_the_index', async () => {
    const driver = await redis.driver();
    const queue = uniqueQueue();
    const spec = specIn(queue);
    await driver.putSchedule(putAt(spec, T0));
    const stored = await driver.getSchedule(spec.name);
    if (stored === undefined) return expect.fail('stored');
    // The pending occurrence is gone, so a repair applies, if the driver finds the schedule.
    await driver.remove({ queue, id: occurrenceJobId(spec.name, stored.nextRunAt as number) });
    const repair = advanceRequest(stored, planAdvance(stored, T0 + 2 * MINUTE, 'absent'), T0 + 2 * MINUTE);
    const entries = await entriesOf(spec.name);
    await redis.raw.zrem(space().schedules, ...entries);
    expect(await driver.advanceSchedule(repair)).toEqual({ advanced: false });
    expect(await redis.raw.hget(space().queue(queue).schedule(spec.name), 'version')).toBe('1');
    await redis.raw.zadd(space().schedules, 0, ...entries);
    expect(await driver.advanceSchedule(repair)).toEqual({ advanced: true });
  });
});
