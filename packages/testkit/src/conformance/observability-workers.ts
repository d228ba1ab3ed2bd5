import { MAX_WORKER_TTL_MS, MIN_WORKER_TTL_MS, ValidationError, type WorkerInfo } from '@taskharbor/core';
import { describe, expect, it } from 'vitest';
import { expectError } from './assertions.js';
import { observe, WORKER_TTL_MS, workerInfo, workerPrefix, workersWith } from './observability-fixtures.js';
import type { Harness } from './setup.js';
import type { Setup } from './setup.js';

/** Worker info and options that registerWorker refuses, each with the field the error names. */
function badRegistrations(h: Harness, id: string): { info: WorkerInfo; ttlMs?: number; now?: number; field: string }[] {
  const bad = (overrides: Record<string, unknown>) => ({ ...workerInfo(h, id), ...overrides }) as WorkerInfo;
  return [
    { info: bad({ id: '' }), field: 'id' },
    { info: bad({ host: 7 }), field: 'host' },
    { info: bad({ pid: -1 }), field: 'pid' },
    { info: bad({ pid: 1.5 }), field: 'pid' },
    { info: bad({ queues: [] }), field: 'queues' },
    { info: bad({ queues: [h.queue, ''] }), field: 'queue' },
    { info: bad({ concurrency: 0 }), field: 'concurrency' },
    { info: bad({ running: -1 }), field: 'running' },
    { info: bad({ startedAt: Number.NaN }), field: 'startedAt' },
    { info: bad({ version: 'v'.repeat(65) }), field: 'version' },
    { info: workerInfo(h, id), ttlMs: MIN_WORKER_TTL_MS - 1, field: 'ttlMs' },
    { info: workerInfo(h, id), ttlMs: MAX_WORKER_TTL_MS + 1, field: 'ttlMs' },
    { info: workerInfo(h, id), ttlMs: 1500.5, field: 'ttlMs' },
    { info: workerInfo(h, id), now: -1, field: 'now' },
  ];
}

export function observabilityWorkerCases(setup: Setup): void {
  describe('observability: workers', () => {
    it('register_worker_stores_the_info_with_last_seen_at_and_expires_at', async () => {
      const h = await setup();
      const prefix = workerPrefix();
      const info = workerInfo(h, `${prefix}-a`, { queues: [h.queue, 'other-queue'] });
      await observe(h).registerWorker(info, { now: h.clock.now(), ttlMs: WORKER_TTL_MS });
      expect(await workersWith(h, prefix, h.clock.now())).toEqual([
        { ...info, lastSeenAt: h.clock.now(), expiresAt: h.clock.now() + WORKER_TTL_MS },
      ]);
    });

    it('register_again_replaces_the_entry_and_moves_its_expiry', async () => {
      const h = await setup();
      const prefix = workerPrefix();
      const id = `${prefix}-a`;
      await observe(h).registerWorker(workerInfo(h, id), { now: h.clock.now(), ttlMs: WORKER_TTL_MS });
      await h.clock.advance(3000);
      const refreshed = workerInfo(h, id, { running: 3, queues: ['another'] });
      await observe(h).registerWorker(refreshed, { now: h.clock.now(), ttlMs: 2 * WORKER_TTL_MS });
      expect(await workersWith(h, prefix, h.clock.now())).toEqual([
        { ...refreshed, lastSeenAt: h.clock.now(), expiresAt: h.clock.now() + 2 * WORKER_TTL_MS },
      ]);
      expect(await workersWith(h, prefix, h.clock.now() + WORKER_TTL_MS)).toHaveLength(1);
    });

    it('an_entry_is_live_until_its_expires_at_and_not_at_it', async () => {
      const h = await setup();
      const prefix = workerPrefix();
      const start = h.clock.now();
      await observe(h).registerWorker(workerInfo(h, `${prefix}-a`), { now: start, ttlMs: WORKER_TTL_MS });
      expect(await workersWith(h, prefix, start + WORKER_TTL_MS - 1)).toHaveLength(1);
      expect(await workersWith(h, prefix, start + WORKER_TTL_MS)).toEqual([]);
    });

    it('an_expired_worker_that_registers_again_is_live_again', async () => {
      const h = await setup();
      const prefix = workerPrefix();
      const info = workerInfo(h, `${prefix}-a`);
      await observe(h).registerWorker(info, { now: h.clock.now(), ttlMs: WORKER_TTL_MS });
      await h.clock.advance(WORKER_TTL_MS + 5000);
      expect(await workersWith(h, prefix, h.clock.now())).toEqual([]);
      await observe(h).registerWorker(info, { now: h.clock.now(), ttlMs: WORKER_TTL_MS });
      expect((await workersWith(h, prefix, h.clock.now())).map((entry) => entry.lastSeenAt)).toEqual([h.clock.now()]);
    });

    it('workers_lists_the_most_recently_started_first_then_by_id', async () => {
      const h = await setup();
      const prefix = workerPrefix();
      const t = h.clock.now();
      const started: [string, number][] = [
        [`${prefix}-b`, t - 2000],
        [`${prefix}-c`, t - 1000],
        [`${prefix}-a`, t - 1000],
        [`${prefix}-d`, t - 3000],
      ];
      for (const [id, startedAt] of started) {
        await observe(h).registerWorker(workerInfo(h, id, { startedAt }), { now: t, ttlMs: WORKER_TTL_MS });
      }
      expect((await workersWith(h, prefix, t)).map((entry) => entry.id)).toEqual([
        `${prefix}-a`,
        `${prefix}-c`,
        `${prefix}-b`,
        `${prefix}-d`,
      ]);
    });

    it('remove_worker_deletes_the_entry_and_says_whether_there_was_one', async () => {
      const h = await setup();
      const prefix = workerPrefix();
      await observe(h).registerWorker(workerInfo(h, `${prefix}-a`), { now: h.clock.now(), ttlMs: WORKER_TTL_MS });
      await observe(h).registerWorker(workerInfo(h, `${prefix}-b`), { now: h.clock.now(), ttlMs: WORKER_TTL_MS });
      expect(await observe(h).removeWorker(`${prefix}-a`)).toBe(true);
      expect(await observe(h).removeWorker(`${prefix}-a`)).toBe(false);
      expect(await observe(h).removeWorker(`${prefix}-never`)).toBe(false);
      expect((await workersWith(h, prefix, h.clock.now())).map((entry) => entry.id)).toEqual([`${prefix}-b`]);
    });

    it('workers_without_now_uses_the_drivers_clock', async () => {
      const h = await setup();
      const prefix = workerPrefix();
      const real = Date.now();
      // Ten minutes either side of the real time, so a driver whose clock is its server's still agrees.
      await observe(h).registerWorker(workerInfo(h, `${prefix}-gone`, { startedAt: real - 700_000 }), {
        now: real - 600_000,
        ttlMs: MIN_WORKER_TTL_MS,
      });
      await observe(h).registerWorker(workerInfo(h, `${prefix}-live`, { startedAt: real }), { now: real, ttlMs: 3_600_000 });
      expect((await workersWith(h, prefix)).map((entry) => entry.id)).toEqual([`${prefix}-live`]);
    });

    it('bad_worker_input_is_refused_and_writes_nothing', async () => {
      const h = await setup();
      const prefix = workerPrefix();
      const kept = workerInfo(h, `${prefix}-kept`);
      await observe(h).registerWorker(kept, { now: h.clock.now(), ttlMs: WORKER_TTL_MS });
      for (const id of [`${prefix}-new`, `${prefix}-kept`]) {
        for (const { info, ttlMs, now, field } of badRegistrations(h, id)) {
          const options = { now: now ?? h.clock.now() + 1000, ttlMs: ttlMs ?? WORKER_TTL_MS };
          const error = await expectError(() => observe(h).registerWorker(info, options), ValidationError);
          expect(error.field, `${id} ${field}`).toBe(field);
        }
      }
      await expectError(() => observe(h).registerWorker(kept, undefined as never), ValidationError);
      expect(await workersWith(h, prefix, h.clock.now())).toEqual([
        { ...kept, lastSeenAt: h.clock.now(), expiresAt: h.clock.now() + WORKER_TTL_MS },
      ]);
      expect((await expectError(() => observe(h).removeWorker(''), ValidationError)).field).toBe('id');
      expect((await expectError(() => observe(h).workers({ now: -1 }), ValidationError)).field).toBe('now');
      expect(await workersWith(h, prefix, h.clock.now())).toHaveLength(1);
    });
  });
}
