import { LeaseMismatchError } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { harness } from './support/harness.js';

describe('crash recovery', () => {
  it('job_of_a_worker_that_died_is_run_by_another_worker_when_the_lease_runs_out', async () => {
    const h = harness();
    const { id } = await h.client.enqueue('report', { n: 1 });
    // Worker A reserves the job and dies: no heartbeat, no outcome.
    const leaseA = await h.reserveRaw();

    const { worker: workerB, events } = h.worker({ leaseMs: 30_000 });
    const ranAt: number[] = [];
    workerB.register('report', () => {
      ranAt.push(h.clock.now());
    });
    await workerB.start();
    await h.until(() => events.of('drained').length === 1, 'B idle');
    expect(ranAt).toEqual([]);

    // Nothing but time passes: B wakes at the lease expiry that reserve reported.
    await h.clock.advanceTo(leaseA.expiresAt);
    await h.until(() => events.of('completed').length === 1, 'B completed the job');
    expect(ranAt).toEqual([leaseA.expiresAt]);

    const record = await h.memory.inspect({ queue: 'default', id });
    expect(record?.status).toBe('done');
    expect(record?.reclaims).toBe(1);
    expect(record?.attempts).toBe(0);
  });

  it('late_ack_of_the_dead_worker_is_rejected_with_lease_mismatch', async () => {
    const h = harness();
    const { id } = await h.client.enqueue('report', { n: 1 });
    const leaseA = await h.reserveRaw();
    const { worker: workerB, events } = h.worker();
    workerB.register('report', () => {});
    await workerB.start();
    await h.clock.advanceTo(leaseA.expiresAt);
    await h.until(() => events.of('completed').length === 1, 'B completed the job');

    await expect(h.memory.ack(leaseA, h.clock.now())).rejects.toBeInstanceOf(LeaseMismatchError);
    expect((await h.memory.inspect({ queue: 'default', id }))?.status).toBe('done');
  });
});
