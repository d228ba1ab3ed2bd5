import { describe, expect, it } from 'vitest';
import { harness } from './support/harness.js';

describe('poison jobs', () => {
  it('job_reclaimed_more_than_maxReclaims_is_dead_lettered_without_running', async () => {
    const h = harness();
    const { id } = await h.client.enqueue('crashy', undefined);
    // Three workers in a row die holding the job; each expiry is a reclaim.
    for (let i = 0; i < 3; i++) {
      const lease = await h.reserveRaw();
      h.clock.set(lease.expiresAt);
    }
    const { worker, events } = h.worker({ maxReclaims: 2 });
    let runs = 0;
    worker.register('crashy', () => {
      runs++;
    });
    await worker.start();
    await h.until(() => events.of('dead').length === 1, 'dead-lettered');

    expect(runs).toBe(0);
    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('dlq');
    expect(record?.reclaims).toBe(3);
    expect(record?.attempts).toBe(0);
    expect(record?.dlqReason).toMatch(/reclaimed 3 times \(more than maxReclaims 2\)/);
    expect(record?.dlqReason).toMatch(/kept dying or losing the lease/);
    expect(events.of('active')).toHaveLength(0);
  });

  it('job_reclaimed_exactly_maxReclaims_times_still_runs', async () => {
    const h = harness();
    await h.client.enqueue('crashy', undefined);
    for (let i = 0; i < 2; i++) {
      const lease = await h.reserveRaw();
      h.clock.set(lease.expiresAt);
    }
    const { worker, events } = h.worker({ maxReclaims: 2 });
    worker.register('crashy', () => {});
    await worker.start();
    await h.until(() => events.of('completed').length === 1, 'completed');
    expect(events.of('dead')).toHaveLength(0);
  });
});
