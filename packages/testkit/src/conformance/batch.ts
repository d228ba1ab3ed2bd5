import { type BatchOutcome, DriverClosedError, type Lease } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError } from './assertions.js';
import { doneJob, enqueueAndReserve, enqueueJob, forgedLease, LEASE_MS, newJob, refOf, WRONG_TOKEN } from './fixtures.js';
import type { Harness, Setup } from './setup.js';

/**
 * Leases of every kind in one queue, then the clock moved so the first one
 * has expired: valid, wrong token, expired, a ready job, an unknown job, a
 * done job's last token, valid again.
 */
async function mixedLeases(h: Harness): Promise<Lease[]> {
  const { lease: expired } = await enqueueAndReserve(h, { leaseMs: 1000 });
  const { lease: valid } = await enqueueAndReserve(h);
  const { lease: other } = await enqueueAndReserve(h);
  const { lease: done } = await doneJob(h);
  const { lease: alsoValid } = await enqueueAndReserve(h);
  const ready = await enqueueJob(h);
  await h.clock.advanceTo(expired.expiresAt);
  return [
    valid,
    { ...other, token: WRONG_TOKEN },
    expired,
    forgedLease(h, ready.id),
    forgedLease(h, newJob(h.queue).id),
    done,
    alsoValid,
  ];
}

/** What each call did, comparable across two drivers: `ok` or the error code. */
async function singleOutcomes(leases: Lease[], call: (lease: Lease) => Promise<unknown>): Promise<string[]> {
  const outcomes: string[] = [];
  for (const lease of leases) {
    try {
      await call(lease);
      outcomes.push('ok');
    } catch (error) {
      outcomes.push(String((error as { code?: unknown }).code ?? error));
    }
  }
  return outcomes;
}

function batchOutcomes(outcomes: BatchOutcome<unknown>[]): string[] {
  return outcomes.map((outcome) => (outcome.ok ? 'ok' : String((outcome.error as { code?: unknown }).code)));
}

async function statuses(h: Harness, leases: Lease[]): Promise<unknown[]> {
  return Promise.all(
    leases.map(async (lease) => {
      const record = await h.driver.inspect(refOf(lease));
      return record && { status: record.status, finishedAt: record.finishedAt, expiresAt: record.lease?.expiresAt };
    }),
  );
}

/** Asserts a driver without the batch form does not pretend to have one; returns true when the form is there. */
function hasBatchForm(h: Harness, name: 'ackMany' | 'extendLeases'): boolean {
  if (typeof h.driver[name] === 'function') return true;
  expect(h.driver[name], `${name} is optional, but when set it must be a function`).toBeUndefined();
  return false;
}

export function batchCases(setup: Setup): void {
  describe('batch', () => {
    it('ack_many_acks_every_lease_in_order', async () => {
      const h = await setup();
      if (!hasBatchForm(h, 'ackMany')) return;
      const leases = [(await enqueueAndReserve(h)).lease, (await enqueueAndReserve(h)).lease];
      const outcomes = await h.driver.ackMany?.(leases, h.clock.now());
      expect(outcomes).toEqual([
        { ok: true, value: undefined },
        { ok: true, value: undefined },
      ]);
      for (const lease of leases) expect((await h.driver.inspect(refOf(lease)))?.status).toBe('done');
    });

    it('ack_many_gives_each_lease_the_outcome_of_a_single_ack', async () => {
      const [batch, single] = [await setup(), await setup()];
      if (!hasBatchForm(batch, 'ackMany')) return;
      const [batchLeases, singleLeases] = [await mixedLeases(batch), await mixedLeases(single)];
      const outcomes = (await batch.driver.ackMany?.(batchLeases, batch.clock.now())) ?? [];
      const expected = await singleOutcomes(singleLeases, (lease) => single.driver.ack(lease, single.clock.now()));
      expect(batchOutcomes(outcomes)).toEqual(expected);
      expect(await statuses(batch, batchLeases)).toEqual(await statuses(single, singleLeases));
    });

    it('extend_leases_extends_every_lease_in_order', async () => {
      const h = await setup();
      if (!hasBatchForm(h, 'extendLeases')) return;
      const leases = [(await enqueueAndReserve(h)).lease, (await enqueueAndReserve(h)).lease];
      await h.clock.advance(100);
      const outcomes = await h.driver.extendLeases?.(leases, 5000, h.clock.now());
      const expiresAt = h.clock.now() + 5000;
      expect(outcomes).toEqual(leases.map((lease) => ({ ok: true, value: { ...lease, expiresAt } })));
      for (const lease of leases) expect((await h.driver.inspect(refOf(lease)))?.lease?.expiresAt).toBe(expiresAt);
    });

    it('extend_leases_gives_each_lease_the_outcome_of_a_single_extend_lease', async () => {
      const [batch, single] = [await setup(), await setup()];
      if (!hasBatchForm(batch, 'extendLeases')) return;
      const [batchLeases, singleLeases] = [await mixedLeases(batch), await mixedLeases(single)];
      const outcomes = (await batch.driver.extendLeases?.(batchLeases, LEASE_MS, batch.clock.now())) ?? [];
      const extend = (lease: Lease) => single.driver.extendLease(lease, LEASE_MS, single.clock.now());
      expect(batchOutcomes(outcomes)).toEqual(await singleOutcomes(singleLeases, extend));
      expect(await statuses(batch, batchLeases)).toEqual(await statuses(single, singleLeases));
    });

    it('batch_forms_after_close_are_driver_closed', async () => {
      const h = await setup();
      const { lease } = await enqueueAndReserve(h);
      await h.driver.close();
      if (hasBatchForm(h, 'ackMany')) {
        await expectError(() => h.driver.ackMany?.([lease], h.clock.now()) ?? Promise.resolve(), DriverClosedError);
      }
      if (hasBatchForm(h, 'extendLeases')) {
        const extend = () => h.driver.extendLeases?.([lease], LEASE_MS, h.clock.now()) ?? Promise.resolve();
        await expectError(extend, DriverClosedError);
      }
    });
  });
}
