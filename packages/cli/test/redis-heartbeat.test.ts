import { afterAll, describe, expect, it } from 'vitest';
import { cliJson, deletePrefix, RunningWorker, redisUrl, uniquePrefix } from './support/cli.js';

describe.skipIf(!redisUrl)('taskharbor on Redis: heartbeats keep a long job', () => {
  const prefix = uniquePrefix('heartbeat');
  const R = ['--driver', 'redis', '--prefix', prefix];
  let worker: RunningWorker | undefined;

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await deletePrefix(prefix);
  });

  it('a sleep job 2.5 times longer than its 1 s lease finishes once, never reclaimed', async () => {
    const { id } = await cliJson<{ id: string }>([...R, 'enqueue', '--type', 'nap', '--payload-json', '{"duration":"2.5s"}']);
    // Concurrency 2 leaves a slot free, so the worker keeps reserving and would
    // reclaim the job itself the moment its lease ran out.
    worker = new RunningWorker([
      ...R,
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
    ]);
    const completed = await worker.waitFor((e) => e.event === 'completed' && e.id === id);
    expect(completed.durationMs).toBeGreaterThanOrEqual(2_400);
    expect(await worker.stop('SIGINT')).toBe(0);
    expect(worker.events.filter((e) => e.event === 'active' && e.id === id)).toHaveLength(1);
    expect(worker.events.filter((e) => e.event === 'leaseLost')).toEqual([]);

    const record = await cliJson([...R, 'inspect', id]);
    expect(record).toMatchObject({ status: 'done', attempts: 0, reclaims: 0 });
  });
});
