import { advanceRequest, occurrenceJobId, planAdvance } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import type { RedisDriver } from '../src/index.js';
import { SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';
import { MINUTE, putAt, specIn } from './support/schedules.js';

/**
 * Exactly once per tick when several processes race: each driver here has
 * its own connections, so their scripts interleave in Redis as separate
 * worker processes' would. The compare-and-set inside advance-schedule-6.lua
 * is what lets only one of them move a tick on.
 */
describe.skipIf(SKIP_REDIS)('schedules on Redis: concurrent advances from several connections', () => {
  const redis = useRedisFile('schedules-concurrency');

  async function drivers(count: number): Promise<RedisDriver[]> {
    return Promise.all(Array.from({ length: count }, () => redis.driver()));
  }

  it('the_same_advance_sent_on_six_connections_at_once_applies_once', async () => {
    const all = await drivers(6);
    const [first] = all as [RedisDriver];
    const queue = uniqueQueue();
    const spec = specIn(queue, undefined, { catchUp: 'all' });
    await first.putSchedule(putAt(spec, T0));
    const tick = T0 + MINUTE;
    const now = tick + 3 * MINUTE;
    const [held] = (await first.reserve({ queue, limit: 1, leaseMs: 10 * MINUTE, now })).jobs;
    const stored = await first.getSchedule(spec.name);
    if (held === undefined || stored === undefined) return expect.fail('the occurrence and the schedule should be there');
    const request = advanceRequest(stored, planAdvance(stored, now, 'held'), now, held.lease);
    expect(request.occurrences).toHaveLength(4);

    const results = await Promise.all(all.map((driver) => driver.advanceSchedule(request)));
    expect(results.filter((result) => result.advanced)).toHaveLength(1);
    expect(await first.getSchedule(spec.name)).toMatchObject({ version: 2, runs: 4, nextRunAt: tick + 4 * MINUTE });
    // Three catch-up occurrences ready, the new pending one scheduled, the held one in flight: each once.
    expect(await first.counts(queue)).toMatchObject({ ready: 3, scheduled: 1, inflight: 1 });
  });

  it('workers_on_four_connections_racing_for_forty_ticks_move_each_tick_on_once', async () => {
    const all = await drivers(4);
    const [first] = all as [RedisDriver];
    const queue = uniqueQueue();
    const spec = specIn(queue);
    await first.putSchedule(putAt(spec, T0));
    const reserved: string[] = [];
    const ticks = 40;
    for (let round = 0; round < ticks; round++) {
      const now = T0 + (round + 1) * MINUTE;
      // Every driver does what a worker and its repair check would: reserve, read, advance as holder or as repairer.
      const outcomes = await Promise.all(
        all.map(async (driver) => {
          const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: MINUTE, now });
          const schedule = await driver.getSchedule(spec.name);
          if (schedule?.nextRunAt === undefined) return 'no-schedule';
          const held = jobs[0];
          if (held === undefined) {
            const repair = await driver.advanceSchedule(advanceRequest(schedule, planAdvance(schedule, now, 'absent'), now));
            return repair.advanced ? 'advanced' : 'refused';
          }
          reserved.push(held.job.id);
          const { advanced } = await driver.advanceSchedule(advanceRequest(schedule, planAdvance(schedule, now, 'held'), now, held.lease));
          await driver.ack(held.lease, now);
          return advanced ? 'advanced' : 'refused';
        }),
      );
      expect(outcomes.filter((outcome) => outcome === 'advanced'), `round ${round}`).toHaveLength(1);
    }
    expect(reserved).toEqual(Array.from({ length: ticks }, (_, round) => occurrenceJobId(spec.name, T0 + (round + 1) * MINUTE)));
    expect(await first.getSchedule(spec.name)).toMatchObject({ runs: ticks, version: ticks + 1, nextRunAt: T0 + (ticks + 1) * MINUTE });
    expect(await first.counts(queue)).toMatchObject({ ready: 0, scheduled: 1, inflight: 0 });
  });
});
