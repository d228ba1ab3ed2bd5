import { type FlowLimits, type Lease, ValidationError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError } from './assertions.js';
import { enqueueJob, failUpdate, LEASE_MS, retryUpdate } from './fixtures.js';
import { enqueueAll, enqueueGroups, flow, reserveAt } from './flow-control-fixtures.js';
import { withinGuard } from './job-control-fixtures.js';
import type { Setup } from './setup.js';

export function flowControlLimitCases(setup: Setup): void {
  describe('flow control: limits', () => {
    it('queue_concurrency_caps_jobs_in_flight', async () => {
      const h = await setup();
      await flow(h).setQueueLimits(h.queue, { concurrency: 2 });
      await enqueueAll(h, [{}, {}, {}, {}, {}]);
      const first = await reserveAt(h, { limit: 10 });
      expect(first.ids).toHaveLength(2);
      expect((await reserveAt(h)).ids).toEqual([]);
      await h.driver.ack(first.leases[0] as Lease, h.clock.now());
      expect((await reserveAt(h, { limit: 10 })).ids).toHaveLength(1);
      expect((await h.driver.counts(h.queue)).inflight).toBe(2);
    });

    it('an_expired_lease_frees_its_concurrency_slot', async () => {
      const h = await setup();
      await flow(h).setQueueLimits(h.queue, { concurrency: 1 });
      const [first, second] = await enqueueAll(h, [{}, {}]);
      const held = await reserveAt(h, { leaseMs: 1000 });
      expect(held.ids).toEqual([first]);
      const blocked = await reserveAt(h);
      expect(blocked.ids).toEqual([]);
      expect(blocked.nextDueAt).toBe(held.leases[0]?.expiresAt);
      await h.clock.advance(1000);
      expect((await reserveAt(h)).ids).toEqual([second]);
    });

    it('retry_release_snooze_and_fail_free_the_slot', async () => {
      const h = await setup();
      await flow(h).setQueueLimits(h.queue, { concurrency: 1 });
      await enqueueAll(h, [{}, {}, {}, {}, {}]);
      const outcomes: ((lease: Lease) => Promise<void>)[] = [
        (lease) => h.driver.retry(lease, retryUpdate(h, { runAt: h.clock.now() + 60_000 }), h.clock.now()),
        (lease) => h.driver.release(lease, h.clock.now()),
        (lease) => flow(h).snooze(lease, h.clock.now() + 60_000, h.clock.now()),
        (lease) => h.driver.fail(lease, failUpdate(h), h.clock.now()),
      ];
      for (const outcome of outcomes) {
        const { leases } = await reserveAt(h);
        expect(leases).toHaveLength(1);
        expect((await reserveAt(h)).ids).toEqual([]);
        await outcome(leases[0] as Lease);
      }
      expect((await reserveAt(h)).ids).toHaveLength(1);
    });

    it('group_concurrency_applies_to_every_group_and_an_override_wins', async () => {
      const h = await setup();
      await flow(h).setGroupLimits(h.queue, { concurrency: 1 });
      await flow(h).setGroupLimits(h.queue, { concurrency: 3 }, 'big');
      await enqueueGroups(h, ['A', 'A', 'A', 'big', 'big', 'big', 'big', undefined, undefined]);
      const { groups } = await reserveAt(h, { limit: 20 });
      expect(groups.map((group) => group ?? '-').sort()).toEqual(['-', 'A', 'big', 'big', 'big']);
      expect((await flow(h).groupState(h.queue, 'big')).inflight).toBe(3);
      expect((await reserveAt(h)).ids).toEqual([]);
    });

    it('an_empty_override_falls_back_to_the_defaults', async () => {
      const h = await setup();
      await flow(h).setGroupLimits(h.queue, { concurrency: 1 });
      await flow(h).setGroupLimits(h.queue, { concurrency: 2, rate: { max: 5, perMs: 1000 } }, 'g');
      await flow(h).setGroupLimits(h.queue, {}, 'g');
      const state = await flow(h).groupState(h.queue, 'g');
      expect(state.overrides).toEqual({});
      expect(state.effective).toEqual({ concurrency: 1 });
      await enqueueGroups(h, ['g', 'g']);
      expect((await reserveAt(h)).ids).toHaveLength(1);
    });

    it('queue_rate_is_a_sliding_window', async () => {
      const h = await setup();
      const t = h.clock.now();
      await flow(h).setQueueLimits(h.queue, { rate: { max: 3, perMs: 1000 } });
      await enqueueAll(h, Array.from({ length: 10 }, () => ({})));
      expect((await reserveAt(h, { limit: 2 })).ids).toHaveLength(2);
      await h.clock.advanceTo(t + 500);
      expect((await reserveAt(h, { limit: 5 })).ids).toHaveLength(1);
      await h.clock.advanceTo(t + 999);
      const held = await reserveAt(h);
      expect(held.ids).toEqual([]);
      expect(held.nextDueAt).toBe(t + 1000);
      await h.clock.advanceTo(t + 1000);
      expect((await reserveAt(h)).ids).toHaveLength(2);
      await h.clock.advanceTo(t + 1500);
      const last = await reserveAt(h);
      expect(last.ids).toHaveLength(1);
      expect(last.nextDueAt).toBe(t + 2000);
    });

    it('group_rate_limits_each_group_apart', async () => {
      const h = await setup();
      const t = h.clock.now();
      await flow(h).setGroupLimits(h.queue, { rate: { max: 1, perMs: 1000 } });
      await enqueueGroups(h, ['A', 'A', 'B', 'B']);
      expect((await reserveAt(h)).groups).toEqual(['A', 'B']);
      const held = await reserveAt(h);
      expect(held.ids).toEqual([]);
      expect(held.nextDueAt).toBe(t + 1000);
      await h.clock.advanceTo(t + 1000);
      expect((await reserveAt(h)).groups).toEqual(['A', 'B']);
    });

    it('a_paused_group_hands_out_nothing_while_others_go_on', async () => {
      const h = await setup();
      await flow(h).pauseGroup(h.queue, 'A');
      await flow(h).pauseGroup(h.queue, 'A');
      await enqueueGroups(h, ['A', 'B', 'A', 'B']);
      expect((await reserveAt(h)).groups).toEqual(['B', 'B']);
      expect((await flow(h).groupState(h.queue, 'A')).paused).toBe(true);
      expect((await h.driver.counts(h.queue)).ready).toBe(2);
      await flow(h).resumeGroup(h.queue, 'A');
      expect((await flow(h).groupState(h.queue, 'A')).paused).toBe(false);
      expect((await reserveAt(h)).groups).toEqual(['A', 'A']);
    });

    it('resume_group_wakes_wait_for_work', async () => {
      const h = await setup();
      await flow(h).pauseGroup(h.queue, 'A');
      await enqueueGroups(h, ['A']);
      const controller = new AbortController();
      const waiting = h.driver.waitForWork({ queues: [h.queue], signal: controller.signal }).then(() => 'woke' as const);
      await flow(h).resumeGroup(h.queue, 'A');
      expect(await withinGuard(waiting)).toBe('woke');
      controller.abort();
    });

    it('a_slot_freed_by_ack_wakes_wait_for_work_when_work_waits', async () => {
      const h = await setup();
      await flow(h).setGroupLimits(h.queue, { concurrency: 1 });
      await enqueueGroups(h, ['A', 'A']);
      const { leases } = await reserveAt(h);
      expect(leases).toHaveLength(1);
      const controller = new AbortController();
      const waiting = h.driver.waitForWork({ queues: [h.queue], signal: controller.signal }).then(() => 'woke' as const);
      await h.driver.ack(leases[0] as Lease, h.clock.now());
      expect(await withinGuard(waiting)).toBe('woke');
      controller.abort();
      expect((await reserveAt(h)).ids).toHaveLength(1);
    });

    it('flow_state_and_group_state_read_back_what_was_set', async () => {
      const h = await setup();
      await flow(h).setQueueLimits(h.queue, { concurrency: 10, rate: { max: 100, perMs: 60_000 } });
      await flow(h).setGroupLimits(h.queue, { concurrency: 2 });
      await flow(h).setGroupLimits(h.queue, { rate: { max: 5, perMs: 1000 } }, 'g');
      expect(await flow(h).flowState(h.queue)).toEqual({
        limits: { concurrency: 10, rate: { max: 100, perMs: 60_000 } },
        groupDefaults: { concurrency: 2 },
      });
      await enqueueGroups(h, ['g']);
      await reserveAt(h);
      expect(await flow(h).groupState(h.queue, 'g')).toEqual({
        group: 'g',
        overrides: { rate: { max: 5, perMs: 1000 } },
        effective: { concurrency: 2, rate: { max: 5, perMs: 1000 } },
        paused: false,
        inflight: 1,
      });
      expect(await flow(h).groupState(h.queue, 'never-seen')).toEqual({
        group: 'never-seen',
        overrides: {},
        effective: { concurrency: 2 },
        paused: false,
        inflight: 0,
      });
      await flow(h).setQueueLimits(h.queue, {});
      expect((await flow(h).flowState(h.queue)).limits).toEqual({});
    });

    it('bad_limits_are_refused_and_change_nothing', async () => {
      const h = await setup();
      await flow(h).setQueueLimits(h.queue, { concurrency: 3 });
      await flow(h).setGroupLimits(h.queue, { concurrency: 2 });
      const before = await flow(h).flowState(h.queue);
      const bad: unknown[] = [
        { concurrency: -1 },
        { concurrency: 0 },
        { concurrency: 1.5 },
        { rate: { max: 0, perMs: 1000 } },
        { rate: { max: 1, perMs: 0.5 } },
        { rate: { max: 1 } },
        { rate: { max: 1, perMs: 1000, burst: 2 } },
        { parallelism: 1 },
        null,
      ];
      for (const limits of bad) {
        await expectError(() => flow(h).setQueueLimits(h.queue, limits as FlowLimits), ValidationError);
        await expectError(() => flow(h).setGroupLimits(h.queue, limits as FlowLimits), ValidationError);
        await expectError(() => flow(h).setGroupLimits(h.queue, limits as FlowLimits, 'g'), ValidationError);
      }
      for (const group of ['', 'a b', '{g}', 'x'.repeat(257)]) {
        await expectError(() => flow(h).setGroupLimits(h.queue, { concurrency: 1 }, group), ValidationError);
        await expectError(() => flow(h).pauseGroup(h.queue, group), ValidationError);
        await expectError(() => flow(h).resumeGroup(h.queue, group), ValidationError);
        await expectError(() => flow(h).groupState(h.queue, group), ValidationError);
      }
      await expectError(() => flow(h).setQueueLimits('bad queue', { concurrency: 1 }), ValidationError);
      await expectError(() => flow(h).flowState('bad queue'), ValidationError);
      expect(await flow(h).flowState(h.queue)).toEqual(before);
      expect((await flow(h).groupState(h.queue, 'g')).effective).toEqual({ concurrency: 2 });
    });

    it('limits_set_on_one_queue_leave_other_queues_alone', async () => {
      const h = await setup();
      const other = h.newQueue();
      await flow(h).setQueueLimits(h.queue, { concurrency: 1, rate: { max: 1, perMs: 1000 } });
      await flow(h).setGroupLimits(h.queue, { concurrency: 1 });
      await flow(h).pauseGroup(h.queue, 'A');
      const otherHarness = { ...h, queue: other };
      await enqueueGroups(otherHarness, ['A', 'A', undefined, undefined]);
      expect((await reserveAt(otherHarness)).ids).toHaveLength(4);
      expect(await flow(h).flowState(other)).toEqual({ limits: {}, groupDefaults: {} });
      expect((await flow(h).groupState(other, 'A')).paused).toBe(false);
      await enqueueJob(h);
      expect((await reserveAt(h, { leaseMs: LEASE_MS })).ids).toHaveLength(1);
    });
  });
}
