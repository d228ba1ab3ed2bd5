import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliJson, deletePrefix, RunningWorker, redisUrl, uniquePrefix } from './support/cli.js';

describe.skipIf(!redisUrl)('taskharbor on Redis: worker run obeys job cancel and queue pause from another process', { timeout: 120_000 }, () => {
  const prefix = uniquePrefix('worker-control');
  const R = ['--driver', 'redis', '--prefix', prefix];
  let worker: RunningWorker | undefined;

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await deletePrefix(prefix);
  });

  it('a cancelled running job ends cancelled, not retried; a paused queue runs its jobs once resumed', async () => {
    expect((await cli([...R, 'queue', 'pause'])).code).toBe(0);
    const { id: sleepId } = await cliJson<{ id: string }>([...R, 'enqueue', '--type', 'sleep', '--payload', '20s']);
    worker = new RunningWorker([...R, '--json', '--verbose', 'worker', 'run', '--register', 'sleep', '--register', 'echo']);
    await worker.waitFor((e) => e.event === 'started');
    expect(await cliJson([...R, 'inspect', sleepId])).toMatchObject({ status: 'ready' });

    const resumed = await cli([...R, 'queue', 'resume']);
    expect(resumed.stdout).toMatch(/^resumed queue default: workers take its jobs again/);
    await worker.waitFor((e) => e.event === 'active' && e.id === sleepId);

    const cancel = await cli([...R, 'job', 'cancel', sleepId, '--reason', 'no longer needed']);
    expect(cancel.stdout).toBe(`cancel requested for ${sleepId} in queue default: it is running; its worker aborts the run and the job ends cancelled\n`);
    const cancelled = await worker.waitFor((e) => e.event === 'cancelled' && e.id === sleepId);
    // Aborted long before the 20 s sleep was over.
    expect(cancelled.durationMs).toBeLessThan(15_000);

    const { id: echoId } = await cliJson<{ id: string }>([...R, 'enqueue', '--type', 'echo', '--payload', 'after']);
    await worker.waitFor((e) => e.event === 'echo' && e.id === echoId);
    expect(await worker.stop('SIGINT')).toBe(0);
    expect(worker.events.some((e) => e.event === 'retrying' || e.event === 'dead')).toBe(false);
    expect(worker.events.at(-1)).toMatchObject({ event: 'stopped', done: 1, cancelled: 1, retried: 0, dead: 0 });

    const record = await cliJson([...R, 'inspect', sleepId]);
    expect(record).toMatchObject({ status: 'cancelled', cancelReason: 'no longer needed', attempts: 0 });
    expect(record.cancelRequestedAt).toEqual(expect.any(Number));
    const stats = await cliJson<{ queues: { counts: Record<string, unknown> }[] }>([...R, 'stats']);
    expect(stats.queues[0]?.counts).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 1, dlq: 0, cancelled: 1, paused: false });
  });
});
