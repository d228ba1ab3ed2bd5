import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { databaseUrl, newJob, SKIP_POSTGRES, T0, uniqueQueue, usePostgresFile } from './support/postgres-env.js';

/** Resolves to 'woken' when the promise settles within `ms`, else 'waiting'. */
async function within(promise: Promise<unknown>, ms: number): Promise<'woken' | 'waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<'waiting'>((resolve) => {
    timer = setTimeout(() => resolve('waiting'), ms);
  });
  const outcome = await Promise.race([promise.then(() => 'woken' as const), guard]);
  clearTimeout(timer);
  return outcome;
}

async function listenerBackends(pool: pg.Pool, schema: string): Promise<number> {
  const { rows } = await pool.query(
    "SELECT count(*)::int AS backends FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()",
    [`LISTEN "taskharbor:${schema}"`],
  );
  return rows[0].backends;
}

describe.skipIf(SKIP_POSTGRES)('LISTEN/NOTIFY', () => {
  const file = usePostgresFile('notifications');

  it('an_enqueue_by_another_driver_wakes_a_waiter', async () => {
    const waiting = await file.driver();
    const other = await file.driver();
    const queue = uniqueQueue();
    const wait = waiting.waitForWork({ queues: [queue], signal: new AbortController().signal });
    await expect.poll(() => waiting.listenerPid).toBeDefined();
    await other.enqueue(newJob(queue), T0);
    expect(await within(wait, 5000)).toBe('woken');
  });

  it('a_thousand_waits_share_one_listening_connection', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const controller = new AbortController();
    const { lease } = (await (async () => {
      await driver.enqueue(newJob(queue), T0);
      return (await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: T0 })).jobs[0];
    })()) as { lease: { jobId: string } };
    const waits = [
      ...Array.from({ length: 500 }, () => driver.waitForWork({ queues: [queue], signal: controller.signal })),
      ...Array.from({ length: 500 }, () => driver.waitForFinish({ queue, id: lease.jobId }, controller.signal).catch(() => undefined)),
    ];
    await expect.poll(() => driver.listenerPid).toBeDefined();
    expect(await listenerBackends(file.pool, file.schema)).toBe(1);
    controller.abort();
    await Promise.all(waits);
  });

  it('one_notification_per_enqueue_transaction_not_per_job', async () => {
    const driver = await file.driver();
    const queue = uniqueQueue();
    const marker = uniqueQueue();
    const raw = new pg.Client({ connectionString: databaseUrl() });
    await raw.connect();
    try {
      const heard: string[] = [];
      raw.on('notification', (message) => heard.push(message.payload ?? ''));
      await raw.query(`LISTEN "taskharbor:${file.schema}"`);
      await driver.enqueueMany(
        Array.from({ length: 200 }, () => newJob(queue)),
        T0,
      );
      await driver.enqueue(newJob(marker), T0);
      await expect.poll(() => heard.includes(`w ${marker}`)).toBe(true);
      expect(heard.filter((payload) => payload === `w ${queue}`)).toHaveLength(1);
    } finally {
      await raw.end();
    }
  });

  it('after_its_connection_is_terminated_the_listener_reconnects_reports_a_wake_up_and_listens_again', async () => {
    const waiting = await file.driver();
    const other = await file.driver();
    const queue = uniqueQueue();
    const first = waiting.waitForWork({ queues: [queue], signal: new AbortController().signal });
    await expect.poll(() => waiting.listenerPid).toBeDefined();
    const pid = waiting.listenerPid as number;
    await file.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    expect(await within(first, 10_000), 'a wait pending across the drop wakes once the listener is back').toBe('woken');
    expect(waiting.listenerPid).not.toBe(pid);
    const second = waiting.waitForWork({ queues: [queue], signal: new AbortController().signal });
    await other.enqueue(newJob(queue), T0);
    expect(await within(second, 5000), 'a wait after the reconnect hears the other driver').toBe('woken');
    expect(await listenerBackends(file.pool, file.schema)).toBe(1);
  });

  it('a_cancel_request_reaches_the_subscribers_of_another_driver', async () => {
    const worker = await file.driver();
    const operator = await file.driver();
    const queue = uniqueQueue();
    await worker.enqueue(newJob(queue), T0);
    const [reserved] = (await worker.reserve({ queue, limit: 1, leaseMs: 60_000, now: T0 })).jobs;
    const heard: string[] = [];
    await worker.subscribeCancels({ queues: [queue], signal: new AbortController().signal }, (ref) => heard.push(ref.id));
    expect(await operator.cancel({ queue, id: reserved?.job.id as string }, { now: T0 + 1 })).toEqual({ status: 'cancelling' });
    await expect.poll(() => heard).toEqual([reserved?.job.id]);
  });
});
