import { Client, type JobRecord } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { FakeClock } from '@taskharbor/testkit';
import { Worker } from '@taskharbor/worker';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcParams, LARGE, T0 } from '../support/property-env.js';
import { PROTOTYPE_NAMES } from '../support/property-input.js';

/**
 * Job types named like Object.prototype members route to their own handler,
 * or (with no handler) are dead-lettered as missing: never to a prototype's
 * function. See docs/reliability.md ("Bad input").
 */

const TYPES = [...PROTOTYPE_NAMES, 'plain.job'];
const QUEUE = 'protos';

describe('bad input: prototype-shaped job types in the Worker', () => {
  it('route to the registered handler or are dead-lettered as missing', { timeout: LARGE ? 600_000 : 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(TYPES),
        fc.array(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 12 }),
        async (registered, enqueued) => {
          const clock = new FakeClock(T0);
          const driver = new MemoryDriver();
          const client = new Client(driver, { clock });
          const worker = new Worker(driver, { queues: [QUEUE], clock, onMissingHandler: 'fail', keepAlive: false, concurrency: 4 });
          const calls: { handler: string; type: string; payload: unknown }[] = [];
          for (const type of registered) {
            worker.register(type, async (job) => {
              calls.push({ handler: type, type: job.type, payload: job.payload });
            });
          }
          const ids: { id: string; type: string }[] = [];
          for (const [i, type] of enqueued.entries()) {
            const payload = JSON.parse(`{"__proto__":{"polluted":${i}},"type":${JSON.stringify(type)}}`);
            const { id } = await client.enqueue(type, payload, { queue: QUEUE, maxAttempts: 1 });
            ids.push({ id, type });
          }
          await worker.start();
          try {
            for (let step = 0; step < 500; step++) {
              const counts = await driver.counts(QUEUE);
              if (counts.done + counts.dlq === enqueued.length && worker.activeCount === 0) break;
              await clock.advance(10);
            }
          } finally {
            await worker.close();
          }
          const counts = await driver.counts(QUEUE);
          expect(counts.done + counts.dlq).toBe(enqueued.length);
          for (const { id, type } of ids) {
            const record = (await driver.inspect({ queue: QUEUE, id })) as JobRecord;
            if (registered.includes(type)) {
              expect(record.status, `${type} has a handler`).toBe('done');
            } else {
              expect(record.status, `${type} has no handler`).toBe('dlq');
              expect(`${record.dlqReason} ${record.lastError}`).toMatch(/handler/i);
            }
          }
          // Each handler ran exactly for the jobs of its own type, with the payload as data.
          for (const call of calls) {
            expect(call.type).toBe(call.handler);
            const payload = call.payload as Record<string, unknown>;
            expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
            expect(Object.hasOwn(payload, '__proto__')).toBe(true);
            expect(payload.type).toBe(call.type);
          }
          expect(calls.length).toBe(ids.filter(({ type }) => registered.includes(type)).length);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
          expect(typeof Object.prototype.toString).toBe('function');
          expect(typeof Object.prototype.hasOwnProperty).toBe('function');
        },
      ),
      fcParams({ ci: 25, large: 300 }),
    );
  });
});
