import { describe, expect, it } from 'vitest';
import { newJob } from './fixtures.js';
import { enqueueAll, enqueueGroups, groupsOneByOne, reserveAt } from './flow-control-fixtures.js';
import { control } from './job-control-fixtures.js';
import type { Setup } from './setup.js';

export function flowControlGroupCases(setup: Setup, options: { jobControl: boolean }): void {
  describe('flow control: groups', () => {
    it('groups_are_served_in_turn', async () => {
      const h = await setup();
      const order = ['A', 'A', 'A', 'B', 'B', 'B', 'C'];
      await enqueueGroups(h, order);
      expect(await groupsOneByOne(h, 7)).toEqual(['A', 'B', 'C', 'A', 'B', 'A', 'B']);
      const other = { ...h, queue: h.newQueue() };
      await enqueueGroups(other, order);
      expect((await reserveAt(other, { limit: 7 })).groups).toEqual(['A', 'B', 'C', 'A', 'B', 'A', 'B']);
    });

    it('jobs_without_a_group_take_a_turn_like_a_group', async () => {
      const h = await setup();
      await enqueueGroups(h, [undefined, undefined, 'A', 'A', undefined]);
      expect(await groupsOneByOne(h, 5)).toEqual(['-', 'A', '-', 'A', '-']);
    });

    it('a_group_that_ran_out_of_work_rejoins_at_the_tail', async () => {
      const h = await setup();
      await enqueueGroups(h, ['A', 'B', 'B', 'C']);
      expect(await groupsOneByOne(h, 2)).toEqual(['A', 'B']);
      await enqueueGroups(h, ['A']);
      expect((await reserveAt(h)).groups).toEqual(['C', 'B', 'A']);
    });

    it('a_big_group_does_not_hold_back_small_ones', async () => {
      const h = await setup();
      const now = h.clock.now();
      const big = Array.from({ length: 1000 }, () => newJob(h.queue, { createdAt: now, group: 'big' }));
      await h.driver.enqueueMany(big, now);
      const small = [];
      for (let round = 0; round < 10; round++) {
        for (let g = 0; g < 10; g++) small.push(newJob(h.queue, { createdAt: now, group: `small-${g}` }));
      }
      await h.driver.enqueueMany(small, now);
      const { groups } = await reserveAt(h, { limit: 11 });
      expect([...new Set(groups)].sort()).toEqual(['big', ...Array.from({ length: 10 }, (_, g) => `small-${g}`)].sort());
    });

    it('priority_orders_jobs_within_a_group', async () => {
      const h = await setup();
      const [a5, a0, b1] = await enqueueAll(h, [
        { group: 'A', priority: 5 },
        { group: 'A' },
        { group: 'B', priority: -5 },
      ]);
      expect((await reserveAt(h)).ids).toEqual([a0, b1, a5]);
    });

    if (options.jobControl) {
      it('cancel_remove_and_purge_keep_the_turn_order_and_counts', async () => {
        const h = await setup();
        const [a1, a2, b1, c1] = await enqueueAll(h, [
          { group: 'A' },
          { group: 'A', priority: 2 },
          { group: 'B' },
          { group: 'C', priority: -1 },
        ]);
        const now = { now: h.clock.now() };
        await control(h).cancel({ queue: h.queue, id: a1 as string }, now);
        await control(h).remove({ queue: h.queue, id: b1 as string });
        expect((await h.driver.counts(h.queue)).ready).toBe(2);
        expect((await reserveAt(h)).ids).toEqual([a2, c1]);
        const [d1, b2] = await enqueueAll(h, [{ group: 'D', type: 'drop.me' }, { group: 'B' }, { group: 'D', type: 'drop.me' }]);
        expect(await control(h).purge(h.queue, { status: 'ready', type: 'drop.me' })).toBe(2);
        expect(await h.driver.inspect({ queue: h.queue, id: d1 as string })).toBeUndefined();
        expect((await h.driver.counts(h.queue)).ready).toBe(1);
        const [d3] = await enqueueGroups(h, ['D']);
        expect((await reserveAt(h)).ids).toEqual([b2, d3]);
      });
    }
  });
}
