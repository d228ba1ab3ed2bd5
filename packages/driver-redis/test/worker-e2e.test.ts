import { describe, expect, it } from 'vitest';
import { SKIP_REDIS, uniqueQueue, useRedisFile } from './support/redis-env.js';
import { runWorkerScenario } from './support/worker-run.js';

describe.skipIf(SKIP_REDIS)('worker end to end (single Redis)', () => {
  const redis = useRedisFile('worker-e2e');

  it('a_worker_runs_every_job_once_retries_the_flaky_one_and_dead_letters_the_doomed_one', async () => {
    const driver = await redis.driver();
    const queues = [uniqueQueue(), uniqueQueue()];
    const result = await runWorkerScenario(driver, queues, 100);
    expect(result.runs.size).toBe(201);
    expect([...result.runs.values()].every((count) => count === 1)).toBe(true);
    expect(result.flakyAttempts).toBe(2);
    expect(result.deadReasons).toHaveLength(1);
    expect(result.counts.get(queues[0]!)).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 102, dlq: 1, cancelled: 0, paused: false });
    expect(result.counts.get(queues[1]!)).toEqual({ ready: 0, scheduled: 0, inflight: 0, done: 100, dlq: 0, cancelled: 0, paused: false });
  });
});
