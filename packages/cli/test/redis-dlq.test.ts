import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliJson, deletePrefix, RunningWorker, redisUrl, uniquePrefix } from './support/cli.js';

describe.skipIf(!redisUrl)('taskharbor on Redis: a failing job reaches the DLQ through worker run and comes back', () => {
  const prefix = uniquePrefix('dlq');
  const R = ['--driver', 'redis', '--prefix', prefix];
  let worker: RunningWorker | undefined;

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await deletePrefix(prefix);
  });

  it('dead-letters after maxAttempts, stops on SIGINT with exit 0, and dlq requeue --reset-attempts brings it back', async () => {
    const { id } = await cliJson<{ id: string }>([...R, 'enqueue', '--type', 'charge', '--max-attempts', '2', '--payload-json', '{"invoice":7}']);
    const { id: greetId } = await cliJson<{ id: string }>([...R, 'enqueue', '--type', 'greet', '--payload-json', '{"name":"Ada"}']);

    worker = new RunningWorker([
      ...R,
      '--json',
      'worker',
      'run',
      '--register',
      'charge=fail',
      '--register',
      'greet=echo',
      '--backoff-base',
      '50ms',
      '--backoff-jitter',
      '0',
    ]);
    const echoed = await worker.waitFor((e) => e.event === 'echo' && e.id === greetId);
    expect(echoed).toMatchObject({ type: 'greet', queue: 'default', attempt: 1, payload: { name: 'Ada' } });
    const retry = await worker.waitFor((e) => e.event === 'retrying' && e.id === id);
    expect(retry).toMatchObject({ attempts: 1, error: 'failed on purpose by the built-in fail handler (attempt 1 of 2)' });
    const dead = await worker.waitFor((e) => e.event === 'dead' && e.id === id);
    expect(dead).toMatchObject({ type: 'charge', attempts: 2 });
    expect(dead.reason).toMatch(/^failed 2 of 2 allowed attempts; last error: failed on purpose/);

    expect(await worker.stop('SIGINT')).toBe(0);
    expect(worker.events[0]).toMatchObject({ event: 'started', queues: ['default'], handlers: ['charge', 'greet'] });
    expect(worker.events.at(-1)).toMatchObject({ event: 'stopped', forced: false, done: 1, retried: 1, dead: 1 });
    expect(worker.stderr).not.toMatch(/error/i);

    const record = await cliJson([...R, 'inspect', id]);
    expect(record).toMatchObject({ status: 'dlq', attempts: 2, maxAttempts: 2, payload: { invoice: 7 } });
    expect(record.dlqReason).toMatch(/^failed 2 of 2 allowed attempts/);
    expect(record.lastError).toMatch(/^Error: failed on purpose by the built-in fail handler \(attempt 2 of 2\)/);

    const dlq = await cliJson<{ jobs: { id: string }[] }>([...R, 'dlq', 'list']);
    expect(dlq.jobs.map((job) => job.id)).toEqual([id]);
    const dlqText = await cli([...R, 'dlq', 'list']);
    expect(dlqText.stdout).toMatch(new RegExp(`^${id}  charge +2/2 +(?:\\S+ ago|now) +failed 2 of 2 allowed attempts`, 'm'));

    const requeued = await cli([...R, 'dlq', 'requeue', id, '--reset-attempts']);
    expect(requeued.code).toBe(0);
    expect(requeued.stdout).toBe(`requeued ${id} in queue default: ready, attempts 0/2\n`);
    const back = await cliJson([...R, 'inspect', id]);
    expect(back).toMatchObject({ status: 'ready', attempts: 0, lastError: null, failedAt: null, reclaims: 0 });
    expect(back).not.toHaveProperty('dlqReason');

    // It is no longer dead-lettered, so a second requeue changes nothing and says why.
    const twice = await cli([...R, 'job', 'retry', id]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/is ready, not dead-lettered/);
    const counts = await cliJson<{ queues: { counts: Record<string, number> }[] }>([...R, 'stats']);
    expect(counts.queues[0]?.counts).toEqual({ ready: 1, scheduled: 0, inflight: 0, done: 1, dlq: 0, cancelled: 0, paused: false });
  });
});
