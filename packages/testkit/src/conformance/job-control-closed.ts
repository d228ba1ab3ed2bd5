import { DriverClosedError } from '@taskharbor/core';
import { describe, it } from 'vitest';
import { expectError } from './assertions.js';
import { enqueueAndReserve } from './fixtures.js';
import { control, type JobControlDriver } from './job-control-fixtures.js';
import type { Setup } from './setup.js';

type Call = (driver: JobControlDriver, queue: string, lease: Awaited<ReturnType<typeof enqueueAndReserve>>['lease']) => Promise<unknown>;

const CALLS: [string, Call][] = [
  ['cancel', (d, queue, lease) => d.cancel({ queue, id: lease.jobId }, { now: 1 })],
  ['remove', (d, queue, lease) => d.remove({ queue, id: lease.jobId })],
  ['promote', (d, queue, lease) => d.promote({ queue, id: lease.jobId }, { now: 1 })],
  ['pause', (d, queue) => d.pause(queue)],
  ['resume', (d, queue) => d.resume(queue)],
  ['purge', (d, queue) => d.purge(queue, { status: 'done' })],
  ['requeueDlqMany', (d, queue) => d.requeueDlqMany(queue, { now: 1 })],
  ['setProgress', (d, _queue, lease) => d.setProgress(lease, '1', 1)],
  ['waitForFinish', (d, queue, lease) => d.waitForFinish({ queue, id: lease.jobId }, new AbortController().signal)],
  ['subscribeCancels', (d, queue) => d.subscribeCancels({ queues: [queue], signal: new AbortController().signal }, () => {})],
];

export function jobControlClosedCases(setup: Setup): void {
  describe('job control: after close', () => {
    for (const [name, call] of CALLS) {
      it(`${name}_after_close_is_driver_closed`, async () => {
        const h = await setup();
        const { lease } = await enqueueAndReserve(h);
        await h.driver.close();
        await expectError(() => call(control(h), h.queue, lease), DriverClosedError);
      });
    }

    it('close_ends_a_pending_wait_for_finish', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      const waiting = control(h).waitForFinish({ queue: h.queue, id: lease.jobId }, new AbortController().signal);
      const settled = waiting.then(
        () => 'resolved',
        () => 'rejected',
      );
      await h.driver.close();
      await expectError(async () => {
        if ((await settled) === 'rejected') await waiting;
      }, DriverClosedError);
    });
  });
}
