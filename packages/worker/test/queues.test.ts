import { describe, expect, it } from 'vitest';
import { Gate, harness } from './support/harness.js';

describe('queue preference', () => {
  it('strict_order_takes_jobs_from_the_first_queue_before_later_ones', async () => {
    const h = harness();
    const { worker, events } = h.worker({ queues: ['high', 'low'], concurrency: 1 });
    const order: string[] = [];
    worker.register('work', (job) => {
      order.push(job.queue);
    });
    for (let i = 0; i < 3; i++) await h.client.enqueue('work', undefined, { queue: 'low' });
    for (let i = 0; i < 3; i++) await h.client.enqueue('work', undefined, { queue: 'high' });
    await worker.start();
    await h.until(() => events.of('completed').length === 6, 'all done');
    expect(order).toEqual(['high', 'high', 'high', 'low', 'low', 'low']);
  });

  it('strict_order_lets_a_busy_first_queue_starve_later_ones', async () => {
    const h = harness();
    const { worker, events } = h.worker({ queues: ['high', 'low'], concurrency: 2 });
    const order: string[] = [];
    // Every high job enqueues another: the first queue never empties.
    worker.register('work', async (job) => {
      order.push(job.queue);
      if (job.queue === 'high' && order.length < 20) await h.client.enqueue('work', undefined, { queue: 'high' });
    });
    await h.client.enqueue('work', undefined, { queue: 'low' });
    await h.client.enqueue('work', undefined, { queue: 'high' });
    await h.client.enqueue('work', undefined, { queue: 'high' });
    await worker.start();
    await h.until(() => order.length >= 20, 'twenty runs');
    expect(order.slice(0, 19)).not.toContain('low');
    await h.until(() => events.of('drained').length === 1, 'drained');
    expect(order.at(-1)).toBe('low');
  });

  it('later_queue_gets_the_slots_the_first_queue_cannot_fill', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({ queues: ['high', 'low'], concurrency: 5 });
    worker.register('work', () => gate.promise);
    for (let i = 0; i < 2; i++) await h.client.enqueue('work', undefined, { queue: 'high' });
    for (let i = 0; i < 9; i++) await h.client.enqueue('work', undefined, { queue: 'low' });
    await worker.start();
    await h.until(() => events.of('active').length === 5, 'five running');
    const reserves = h.driver.calls.filter((call) => call.method === 'reserve').map((call) => call.args[0]);
    expect(reserves).toMatchObject([
      { queue: 'high', limit: 5 },
      { queue: 'low', limit: 3 },
    ]);
    gate.resolve();
  });

  it('weighted_order_shares_slots_by_weight', async () => {
    const h = harness();
    const { worker, events } = h.worker({
      queues: [
        { name: 'a', weight: 3 },
        { name: 'b', weight: 1 },
      ],
      queueOrder: 'weighted',
      concurrency: 4,
    });
    const gates: Gate[] = [];
    worker.register('work', () => {
      const gate = new Gate();
      gates.push(gate);
      return gate.promise;
    });
    for (let i = 0; i < 40; i++) await h.client.enqueue('work', undefined, { queue: 'a' });
    for (let i = 0; i < 40; i++) await h.client.enqueue('work', undefined, { queue: 'b' });
    await worker.start();
    await h.until(() => events.of('active').length === 4, 'first round');
    const firstRound = events.of('active').map((e) => e.job.queue);
    expect(firstRound.filter((q) => q === 'a')).toHaveLength(3);

    // Then one slot frees at a time: the shares hold.
    while (events.of('active').length < 40) {
      gates.shift()?.resolve();
      const seen = events.of('active').length;
      await h.until(() => events.of('active').length === seen + 1, 'refilled');
    }
    const taken = events.of('active').map((e) => e.job.queue);
    expect(taken.filter((q) => q === 'a')).toHaveLength(30);
    expect(taken.filter((q) => q === 'b')).toHaveLength(10);
    for (const gate of gates) gate.resolve();
  });

  it('weighted_order_gives_an_empty_queues_share_to_the_others', async () => {
    const h = harness();
    const gate = new Gate();
    const { worker, events } = h.worker({
      queues: [{ name: 'a', weight: 1 }, 'b'],
      queueOrder: 'weighted',
      concurrency: 6,
    });
    worker.register('work', () => gate.promise);
    for (let i = 0; i < 10; i++) await h.client.enqueue('work', undefined, { queue: 'b' });
    await worker.start();
    await h.until(() => events.of('active').length === 6, 'all slots used');
    gate.resolve();
  });
});
