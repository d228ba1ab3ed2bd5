import { expect, it } from 'vitest';
import { cli, cliJson, RunningWorker } from './cli.js';

/**
 * `worker run` end to end through the built binary, written once and run
 * against every shared store. `R()` gives the global flags that select the
 * store; every worker started is handed to `track`, so the afterAll of
 * useWorkerNamespaces can stop what a failed case left running before it
 * cleans the store.
 */
export type Track = (worker: RunningWorker) => RunningWorker;

/** A failing job reaches the DLQ through `worker run` and `dlq requeue` brings it back. */
export function dlqScenario(R: () => readonly string[], track: Track): void {
  it('dead-letters after maxAttempts, stops on SIGINT with exit 0, and dlq requeue --reset-attempts brings it back', async () => {
    const { id } = await cliJson<{ id: string }>([...R(), 'enqueue', '--type', 'charge', '--max-attempts', '2', '--payload-json', '{"invoice":7}']);
    const { id: greetId } = await cliJson<{ id: string }>([...R(), 'enqueue', '--type', 'greet', '--payload-json', '{"name":"Ada"}']);

    const worker = track(new RunningWorker([
      ...R(),
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
    ]));
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

    const record = await cliJson([...R(), 'inspect', id]);
    expect(record).toMatchObject({ status: 'dlq', attempts: 2, maxAttempts: 2, payload: { invoice: 7 } });
    expect(record.dlqReason).toMatch(/^failed 2 of 2 allowed attempts/);
    expect(record.lastError).toMatch(/^Error: failed on purpose by the built-in fail handler \(attempt 2 of 2\)/);

    const dlq = await cliJson<{ jobs: { id: string }[] }>([...R(), 'dlq', 'list']);
    expect(dlq.jobs.map((job) => job.id)).toEqual([id]);
    const dlqText = await cli([...R(), 'dlq', 'list']);
    expect(dlqText.stdout).toMatch(new RegExp(`^${id}  charge +2/2 +(?:\\S+ ago|now) +failed 2 of 2 allowed attempts`, 'm'));

    const requeued = await cli([...R(), 'dlq', 'requeue', id, '--reset-attempts']);
    expect(requeued.code).toBe(0);
    expect(requeued.stdout).toBe(`requeued ${id} in queue default: ready, attempts 0/2\n`);
    const back = await cliJson([...R(), 'inspect', id]);
    expect(back).toMatchObject({ status: 'ready', attempts: 0, lastError: null, failedAt: null, reclaims: 0 });
    expect(back).not.toHaveProperty('dlqReason');

    // It is no longer dead-lettered, so a second requeue changes nothing and says why.
    const twice = await cli([...R(), 'job', 'retry', id]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/is ready, not dead-lettered/);
    const counts = await cliJson<{ queues: { counts: Record<string, number> }[] }>([...R(), 'stats']);
    expect(counts.queues[0]?.counts).toEqual({ ready: 1, scheduled: 0, inflight: 0, done: 1, dlq: 0, cancelled: 0, paused: false });
  });
}

/** `worker run` obeys a job cancel and a queue pause sent from another process. */
export function workerControlScenario(R: () => readonly string[], track: Track): void {
  it('a cancelled running job ends cancelled, not retried; a paused queue runs its jobs once resumed', async () => {
    expect((await cli([...R(), 'queue', 'pause'])).code).toBe(0);
    const { id: sleepId } = await cliJson<{ id: string }>([...R(), 'enqueue', '--type', 'sleep', '--payload', '20s']);
    const worker = track(new RunningWorker([...R(), '--json', '--verbose', 'worker', 'run', '--register', 'sleep', '--register', 'echo']));
    await worker.waitFor((e) => e.event === 'started');
    expect(await cliJson([...R(), 'inspect', sleepId])).toMatchObject({ status: 'ready' });

    const resumed = await cli([...R(), 'queue', 'resume']);
    expect(resumed.stdout).toMatch(/^resumed queue default: workers take its jobs again/);
    await worker.waitFor((e) => e.event === 'active' && e.id === sleepId);

    const cancel = await cli([...R(), 'job', 'cancel', sleepId, '--reason', 'no longer needed']);
    expect(cancel.stdout).toBe(`cancel requested for ${sleepId} in queue default: it is running; its worker aborts the run and the job ends cancelled\n`);
    const cancelled = await worker.waitFor((e) => e.event === 'cancelled' && e.id === sleepId);
    // Aborted long before the 20 s sleep was over.
    expect(cancelled.durationMs).toBeLessThan(15_000);

    const { id: echoId } = await cliJson<{ id: string }>([...R(), 'enqueue', '--type', 'echo', '--payload', 'after']);
    await worker.waitFor((e) => e.event === 'echo' && e.id === echoId);
    expect(await worker.stop('SIGINT')).toBe(0);
    expect(worker.events.some((e) => e.event === 'retrying' || e.event === 'dead')).toBe(false);
    expect(worker.events.at(-1)).toMatchObject({ event: 'stopped', done: 1, cancelled: 1, retried: 0, dead: 0 });

    const record = await cliJson([...R(), 'inspect', sleepId]);
    expect(record).toMatchObject({ status: 'cancelled', cancelReason: 'no longer needed', attempts: 0 });
    expect(record.cancelRequestedAt).toEqual(expect.any(Number));
    const stats = await cliJson<{ queues: { counts: Record<string, unknown> }[] }>([...R(), 'stats']);
    expect(stats.queues[0]?.counts).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 1, dlq: 0, cancelled: 1, paused: false });
  });
}

/** Heartbeats keep a job that runs past its lease. */
export function heartbeatScenario(R: () => readonly string[], track: Track): void {
  it('a sleep job 2.5 times longer than its 1 s lease finishes once, never reclaimed', async () => {
    const { id } = await cliJson<{ id: string }>([...R(), 'enqueue', '--type', 'nap', '--payload-json', '{"duration":"2.5s"}']);
    // Concurrency 2 leaves a slot free, so the worker keeps reserving and would
    // reclaim the job itself the moment its lease ran out.
    const worker = track(new RunningWorker([
      ...R(),
      '--json',
      '--verbose',
      'worker',
      'run',
      '--register',
      'nap=sleep',
      '--lease',
      '1s',
      '--heartbeat',
      '250ms',
      '--concurrency',
      '2',
    ]));
    const completed = await worker.waitFor((e) => e.event === 'completed' && e.id === id);
    expect(completed.durationMs).toBeGreaterThanOrEqual(2_400);
    expect(await worker.stop('SIGINT')).toBe(0);
    expect(worker.events.filter((e) => e.event === 'active' && e.id === id)).toHaveLength(1);
    expect(worker.events.filter((e) => e.event === 'leaseLost')).toEqual([]);

    const record = await cliJson([...R(), 'inspect', id]);
    expect(record).toMatchObject({ status: 'done', attempts: 0, reclaims: 0 });
  });
}
