import { type Lease, METRICS_BUCKET_MS, requireObservability } from '@taskharbor/core';
import type { MemoryDriver } from '@taskharbor/driver-memory';
import { describe, expect, it } from 'vitest';
import { useApiCases } from './support/api-cases.js';

const { driver, client, start } = useApiCases();

const MINUTE = METRICS_BUCKET_MS;

async function reserveOne(queue: string): Promise<Lease> {
  await client().enqueue('work', {}, { queue });
  const { jobs } = await driver().reserve({ queue, limit: 1, leaseMs: 10 * MINUTE, now: Date.now() });
  return jobs[0]!.lease;
}

describe('observability', () => {
  it('workers_lists_live_workers_only', async () => {
    const api = await start();
    const store = requireObservability(driver(), 'test');
    const now = Date.now();
    const info = { id: 'w-1', host: 'web-1', pid: 11, queues: ['emails'], concurrency: 4, running: 2, startedAt: now - MINUTE, version: '0.1.0' };
    await store.registerWorker(info, { now, ttlMs: MINUTE });
    await store.registerWorker({ ...info, id: 'w-gone' }, { now: now - 5 * MINUTE, ttlMs: MINUTE });
    const { status, body } = await api.get('api/workers');
    expect(status).toBe(200);
    expect(body.workers).toEqual([{ ...info, lastSeenAt: now, expiresAt: now + MINUTE }]);
    expect(body.now).toBeGreaterThanOrEqual(now);
  });

  it('metrics_answers_one_point_per_minute_matching_the_driver', async () => {
    const api = await start();
    const now = Date.now();
    await driver().ack(await reserveOne('mail'), now - 10 * MINUTE);
    await driver().retry(await reserveOne('mail'), { attempts: 1, failedAt: now, lastError: 'x' }, now);
    await driver().fail(await reserveOne('mail'), { attempts: 1, failedAt: now, lastError: 'x', reason: 'no more attempts' }, now);
    const { status, body } = await api.get('api/queues/mail/metrics');
    expect(status).toBe(200);
    const points = body.points as { minute: number }[];
    expect(points).toHaveLength(60);
    expect(body.to as number).toBeGreaterThan(now);
    expect((body.to as number) - (body.from as number)).toBe(60 * MINUTE);
    expect(points).toEqual(await driver().metrics('mail', { from: body.from as number, to: body.to as number }));
    expect(body.totals).toEqual({ completed: 1, failed: 2, dead: 1 });
    const day = await api.get('api/queues/mail/metrics?minutes=1440');
    expect(day.body.points).toHaveLength(1440);
    expect((await api.get('api/queues/other/metrics?minutes=1')).body).toMatchObject({ totals: { completed: 0, failed: 0, dead: 0 } });
  });

  const bad: [string, RegExp][] = [
    ['api/queues/mail/metrics?minutes=0', /minutes must be an integer from 1 to 1440/],
    ['api/queues/mail/metrics?minutes=1441', /minutes must be an integer from 1 to 1440/],
    ['api/queues/mail/metrics?minutes=1.5', /minutes must be an integer/],
    ['api/queues/mail/metrics?from=1', /unknown parameter "from": this endpoint takes only minutes/],
    ['api/queues/mail/metrics?minutes=5&minutes=6', /parameter minutes given twice/],
    ['api/workers?now=1', /unknown parameter "now": this endpoint takes no parameters/],
  ];
  for (const [path, message] of bad) {
    it(`bad_query_is_400_with_a_message: ${path}`, async () => {
      const api = await start();
      const { status, body } = await api.get(path);
      expect(status).toBe(400);
      expect((body.error as { message: string }).message).toMatch(message);
    });
  }

  it('job_detail_carries_meta_only_when_the_job_has_some', async () => {
    const api = await start();
    const meta = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', note: '<b>x</b>' };
    const { id } = await client().enqueue('a', {}, { meta });
    expect((await api.get(`api/queues/default/jobs/${id}`)).body.meta).toEqual(meta);
    const plain = await client().enqueue('a', {});
    expect((await api.get(`api/queues/default/jobs/${plain.id}`)).body.meta).toBeUndefined();
  });

  it('without_observability_the_session_says_so_and_the_routes_answer_501', async () => {
    const plain = Object.create(driver(), { families: { value: ['jobControl', 'schedules', 'flowControl'] } }) as MemoryDriver;
    const api = await start({ driver: plain });
    expect((await api.get('api/session')).body.families).toMatchObject({ observability: false });
    for (const path of ['api/workers', 'api/queues/q/metrics']) {
      const { status, body } = await api.get(path);
      expect(status, path).toBe(501);
      expect((body.error as { message: string }).message).toBe('this driver does not implement observability');
    }
  });
});
