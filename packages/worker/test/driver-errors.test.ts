import { describe, expect, it } from 'vitest';
import { harness } from './support/harness.js';

describe('driver errors', () => {
  it('failed_reserve_is_reported_and_tried_again_after_a_backoff', async () => {
    const h = harness();
    let failures = 2;
    h.driver.override('reserve', (real, request: never) => {
      if (failures-- > 0) return Promise.reject(new Error('connection refused'));
      return real.reserve(request);
    });
    const { worker, events } = h.worker();
    worker.register('work', () => {});
    await h.client.enqueue('work', undefined);
    await worker.start();
    await h.until(() => events.of('error').length === 1, 'first failure');
    await h.clock.advance(100);
    await h.until(() => events.of('error').length === 2, 'second failure');
    await h.clock.advance(199);
    expect(events.of('completed')).toHaveLength(0);
    await h.clock.advance(1);
    await h.until(() => events.of('completed').length === 1, 'completed after the outage');
    expect(events.of('error').map((e) => e.during)).toEqual(['reserve', 'reserve']);
  });

  it('driver_closed_under_the_worker_stops_reserving_and_close_still_finishes', async () => {
    const h = harness();
    const { worker, events } = h.worker();
    worker.register('work', () => {});
    await worker.start();
    await h.until(() => events.of('drained').length === 1, 'idle');
    await h.memory.close();
    await h.until(() => events.of('error').length === 1, 'closed driver reported');
    expect(events.of('error')[0]?.during).toBe('reserve');
    const reserves = h.driver.count('reserve');
    await h.clock.advance(60_000);
    expect(h.driver.count('reserve')).toBe(reserves);
    await worker.close();
    expect(worker.status).toBe('closed');
  });
});
