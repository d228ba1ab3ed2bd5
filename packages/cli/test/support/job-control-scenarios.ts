import type { Client, JobControl, Lease } from '@taskharbor/core';
import { expect, it } from 'vitest';
import type { AdminDriver } from '../../src/driver-from-flags.js';
import type { HarnessRun } from './harness.js';

/** A store the commands run against, and a driver on the same store to set up jobs and check what the commands did. */
export interface ControlStore {
  run(...argv: string[]): Promise<HarnessRun>;
  driver: AdminDriver & JobControl;
  client: Client;
}

const UNKNOWN_ID = '01JZ3G6Q0M5W4T7X9A2B8C4D6E';
const bytes = (text: string) => new TextEncoder().encode(text);

function parse(result: HarnessRun): Record<string, unknown> {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

async function reserveOne(driver: ControlStore['driver'], queue: string): Promise<Lease> {
  const { jobs } = await driver.reserve({ queue, limit: 1, leaseMs: 60_000, now: Date.now() });
  const reserved = jobs[0];
  if (reserved === undefined) throw new Error(`nothing to reserve in ${queue}`);
  return reserved.lease;
}

/**
 * The job-control commands end to end, written once and run against every
 * store: in this process on the memory driver through main(), and as the
 * built binary against Redis. Each case works in queues of its own.
 */
export function jobControlScenarios(store: () => ControlStore): void {
  it('cancels, promotes and removes waiting jobs, lists by type, and refuses the wrong state with exit 1', async () => {
    const { run, client, driver } = store();
    const Q = ['--queue', 'waiting'];
    const later = await client.enqueue('report', { n: 1 }, { queue: 'waiting', delayMs: 3_600_000 });
    const mail = await client.enqueue('mail', { to: 'a@b.c' }, { queue: 'waiting' });
    const keyed = await client.enqueue('report', { n: 2 }, { queue: 'waiting', idempotencyKey: 'monthly' });

    const byType = parse(await run(...Q, 'list', '--type', 'report', '--json'));
    expect(byType).toMatchObject({ queue: 'waiting', type: 'report', nextCursor: null });
    expect((byType.jobs as { id: string }[]).map((job) => job.id)).toEqual([later.id, keyed.id]);

    // Without --queue the id is looked for in every queue.
    expect(await run('job', 'promote', later.id)).toEqual({ code: 0, stdout: `promoted ${later.id} in queue waiting: ready now (it was scheduled)\n`, stderr: '' });
    const promoted = await driver.inspect({ queue: 'waiting', id: later.id });
    expect(promoted).toMatchObject({ status: 'ready' });
    expect(promoted?.runAt).toBeUndefined();
    const promoteAgain = await run('job', 'promote', later.id);
    expect(promoteAgain.code).toBe(1);
    expect(promoteAgain.stderr).toMatch(new RegExp(`^error: cannot promote job ${later.id}: it is ready; .+\\n$`));

    expect(await run('job', 'cancel', mail.id, '--reason', 'sent by mistake')).toEqual({
      code: 0,
      stdout: `cancelled ${mail.id} in queue waiting (it was ready; it will not run)\n`,
      stderr: '',
    });
    const cancelled = parse(await run('inspect', mail.id, '--json'));
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'sent by mistake', cancelRequestedAt: null });
    expect(cancelled.cancelledAt).toEqual(expect.any(Number));
    const text = await run('inspect', mail.id);
    expect(text.stdout).toMatch(/^cancelled at +\S+Z \(.+\)$/m);
    expect(text.stdout).toMatch(/^cancel reason +sent by mistake$/m);
    const cancelAgain = await run('--json', 'job', 'cancel', mail.id);
    expect(cancelAgain.code).toBe(1);
    expect(JSON.parse(cancelAgain.stderr)).toMatchObject({ error: { code: 'INVALID_JOB_STATE', exitCode: 1 } });
    expect(JSON.parse(cancelAgain.stderr).error.message).toMatch(new RegExp(`^cannot cancel job ${mail.id}: it is cancelled`));
    const listCancelled = await run(...Q, 'list', '--status', 'cancelled');
    expect(listCancelled.stdout).toMatch(new RegExp(`^${mail.id}  mail  cancelled +0/25 +(?:\\S+ ago|now) +cancelled (?:\\S+ ago|now) +\\{"to":"a@b.c"\\}$`, 'm'));

    expect(await run(...Q, 'job', 'remove', keyed.id)).toEqual({ code: 0, stdout: `removed ${keyed.id} from queue waiting (it was ready)\n`, stderr: '' });
    const gone = await run(...Q, 'inspect', keyed.id);
    expect(gone).toMatchObject({ code: 1, stderr: `error: job ${keyed.id} not found in queue waiting\n` });
    // Its idempotency key went with it.
    const again = await client.enqueue('report', { n: 3 }, { queue: 'waiting', idempotencyKey: 'monthly' });
    expect(again).toMatchObject({ existed: false });
    expect(again.id).not.toBe(keyed.id);
    expect(await run(...Q, 'job', 'remove', UNKNOWN_ID)).toMatchObject({ code: 1, stderr: `error: job ${UNKNOWN_ID} not found in queue waiting\n` });

    const stats = parse(await run(...Q, 'stats', '--json'));
    expect(stats.queues).toEqual([{ queue: 'waiting', counts: { ready: 2, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 1, paused: false } }]);
  });

  it('asks a running job to cancel, refuses to remove it, and shows it cancelled once its run settles', async () => {
    const { run, client, driver } = store();
    const job = await client.enqueue('render', { page: 1 }, { queue: 'running' });
    const lease = await reserveOne(driver, 'running');

    const remove = await run('job', 'remove', job.id);
    expect(remove.code).toBe(1);
    expect(remove.stderr).toMatch(new RegExp(`^error: cannot remove job ${job.id}: it is inflight; .*cancel`));

    expect(parse(await run('job', 'cancel', job.id, '--reason', 'stuck', '--json'))).toEqual({ id: job.id, queue: 'running', status: 'cancelling', reason: 'stuck' });
    const inspect = await run('inspect', job.id);
    expect(inspect.stdout).toMatch(/^status +inflight \(cancel requested: its worker aborts the run, then the job is cancelled\)$/m);
    expect(inspect.stdout).toMatch(/^cancel requested +\S+Z \(.+\)$/m);
    expect(inspect.stdout).toMatch(/^cancel reason +stuck$/m);
    expect(inspect.stdout).toMatch(/^lease token +\S+$/m);
    const second = await run('job', 'cancel', job.id);
    expect(second).toEqual({
      code: 0,
      stdout: `cancel requested for ${job.id} in queue running: it is running; its worker aborts the run and the job ends cancelled\n`,
      stderr: '',
    });

    // The run settles (whatever its outcome); the job ends cancelled, with no result.
    await driver.ack(lease, Date.now(), { result: bytes('"ignored"') });
    const after = parse(await run('inspect', job.id, '--json'));
    expect(after).toMatchObject({ status: 'cancelled', cancelReason: 'stuck' });
    expect(after.cancelRequestedAt).toEqual(expect.any(Number));
    expect(after).not.toHaveProperty('result');
    expect((await run('job', 'cancel', job.id)).code).toBe(1);
  });

  it('pauses and resumes a queue: nothing is handed out while paused, enqueue still works, the flag shows in stats', async () => {
    const { run, client, driver } = store();
    const Q = ['--queue', 'mail'];
    await client.enqueue('mail', { n: 1 }, { queue: 'mail' });

    expect(await run(...Q, 'queue', 'pause')).toEqual({
      code: 0,
      stdout: 'paused queue mail: workers take no new jobs from it until taskharbor queue resume; running jobs finish (0 running, 1 ready, 0 scheduled)\n',
      stderr: '',
    });
    expect((await driver.reserve({ queue: 'mail', limit: 10, leaseMs: 1000, now: Date.now() })).jobs).toEqual([]);
    expect((await run(...Q, 'queue', 'pause')).stdout).toBe('queue mail was already paused; nothing changed (0 running, 1 ready, 0 scheduled)\n');
    expect((await run(...Q, 'enqueue', '--type', 'mail')).code).toBe(0);
    const stats = await run(...Q, 'stats');
    expect(stats.stdout).toBe(
      ['QUEUE  READY  SCHEDULED  INFLIGHT  DONE  DLQ  CANCELLED  PAUSED', 'mail       2          0         0     0    0          0  yes', ''].join('\n'),
    );

    // A queue that holds no job can be paused too, and is then listed.
    expect((await run('--queue', 'quiet', 'queue', 'pause')).code).toBe(0);
    const queues = parse(await run('queues', '--json')).queues as { queue: string; counts: { paused?: boolean } }[];
    expect(queues.find((q) => q.queue === 'quiet')?.counts.paused).toBe(true);

    expect(parse(await run(...Q, 'queue', 'resume', '--json'))).toEqual({ queue: 'mail', paused: false, wasPaused: true });
    expect((await driver.reserve({ queue: 'mail', limit: 10, leaseMs: 1000, now: Date.now() })).jobs).toHaveLength(2);
    expect((await run(...Q, 'queue', 'resume')).stdout).toBe('queue mail was already running; nothing changed (2 running, 0 ready, 0 scheduled)\n');
  });

  it('requeues and purges dead letters in bulk by type and limit, keeping "N of M" within bounds', async () => {
    const { run, client, driver } = store();
    const Q = ['--queue', 'billing'];
    const ids: Record<string, string[]> = { charge: [], mail: [] };
    // Oldest failure first: charge 0, 1, 2, then mail 0, 1.
    const start = Date.now();
    for (const [i, type] of ['charge', 'charge', 'charge', 'mail', 'mail'].entries()) {
      const { id } = await client.enqueue(type, { i }, { queue: 'billing', maxAttempts: 2 });
      ids[type]?.push(id);
      const lease = await reserveOne(driver, 'billing');
      await driver.fail(lease, { attempts: 2, lastError: `Error: declined ${i}\n    at charge (billing.js:1:1)`, failedAt: start + i, reason: 'failed 2 of 2 allowed attempts' }, start + i);
    }
    const [charge0, charge1, charge2] = ids.charge as [string, string, string];

    const mailDead = parse(await run(...Q, 'dlq', 'list', '--type', 'mail', '--json'));
    expect((mailDead.jobs as { id: string }[]).map((job) => job.id)).toEqual(ids.mail);

    expect(await run(...Q, 'dlq', 'requeue', '--all', '--type', 'charge', '--limit', '2')).toEqual({
      code: 0,
      stdout: 'requeued 2 dead-lettered jobs (of type charge, at most 2) in queue billing: ready, attempts kept (a job that had used all its runs gets one more)\n',
      stderr: '',
    });
    for (const id of [charge0, charge1]) {
      expect(await driver.inspect({ queue: 'billing', id })).toMatchObject({ status: 'ready', attempts: 2, maxAttempts: 3 });
    }
    const requeued = await run('inspect', charge0);
    expect(requeued.stdout).toMatch(/^attempts +2 of 3 \(failures recorded of runs allowed\)$/m);
    expect(requeued.stdout).toMatch(/^errors +attempt 2 {2}\S+Z \(.+\) {2}Error: declined 0$/m);
    expect((await run(...Q, 'dlq', 'list')).stdout).toMatch(new RegExp(`^${charge2}  charge +2/2 `, 'm'));

    expect(await run('dlq', 'requeue', charge2)).toMatchObject({ code: 0, stdout: `requeued ${charge2} in queue billing: ready, attempts 2/3\n` });
    expect((await run(...Q, 'dlq', 'requeue', '--all', '--type', 'charge', '--reset-attempts')).stdout).toBe(
      'no dead-lettered jobs (of type charge) in queue billing; nothing changed\n',
    );

    expect((await run(...Q, 'dlq', 'purge', '--older-than', '1h')).stdout).toBe('purged 0 dead-lettered jobs from queue billing (older than 1h)\n');
    expect((await run(...Q, 'dlq', 'purge', '--type', 'mail', '--limit', '1')).stdout).toBe(
      'purged 1 dead-lettered job from queue billing (of type mail, at most 1); the limit was reached, so more may match\n',
    );
    expect(parse(await run(...Q, 'dlq', 'purge', '--json'))).toEqual({ queue: 'billing', status: 'dlq', purged: 1, type: null, olderThanMs: null, limit: null });
    expect(parse(await run(...Q, 'queue', 'purge', '--status', 'ready', '--type', 'charge', '--json'))).toMatchObject({ purged: 3 });
    expect(await driver.inspect({ queue: 'billing', id: charge0 })).toBeUndefined();
    expect(await driver.counts('billing')).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 0, dlq: 0, cancelled: 0, paused: false });
  });

  it('inspect shows the result, the progress and the error history a run left', async () => {
    const { run, client, driver } = store();
    const { id } = await client.enqueue('export', { table: 'users' }, { queue: 'exports' });
    const first = await reserveOne(driver, 'exports');
    await driver.retry(first, { attempts: 1, lastError: 'Error: timeout\n    at export (export.js:9:3)', failedAt: Date.now() }, Date.now());
    const second = await reserveOne(driver, 'exports');
    await driver.setProgress(second, '{"rows":10,"of":20}', Date.now());
    expect((await run('inspect', id)).stdout).toMatch(/^progress +\{"rows":10,"of":20\}$/m);
    await driver.ack(second, Date.now(), { result: bytes('{"url":"s3://exports/users.csv"}') });

    const text = (await run('inspect', id)).stdout;
    expect(text).toMatch(/^result +\{"url":"s3:\/\/exports\/users.csv"\} {2}\(32 bytes\)$/m);
    expect(text).toMatch(/^progress +\{"rows":10,"of":20\}$/m);
    expect(text).toMatch(/^errors +attempt 1 {2}\S+Z \(.+\) {2}Error: timeout$/m);
    const verbose = (await run('inspect', id, '--verbose')).stdout;
    expect(verbose).toMatch(/Error: timeout\n +at export \(export.js:9:3\)/);
    expect(parse(await run('inspect', id, '--json'))).toMatchObject({
      status: 'done',
      result: { url: 's3://exports/users.csv' },
      resultBytes: 32,
      progress: { rows: 10, of: 20 },
      errors: [{ attempt: 1, message: 'Error: timeout\n    at export (export.js:9:3)', at: expect.any(Number) }],
    });
  });
}
