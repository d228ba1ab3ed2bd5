import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RESEND_SAFE_REDIS_OPTIONS, RedisDriver, RedisOutcomeUnknownError, resolveTarget } from '../src/index.js';
import { newJob, SKIP_REDIS, T0, TEST_DB, testTarget, uniqueQueue, useRedisFile } from './support/redis-env.js';

/**
 * A state-changing script whose reply is lost is never sent again blindly.
 * The test queues the enqueue script behind a BLPOP on the same connection
 * (so Redis has received it but not run it), kills the connection, and
 * checks what happens after ioredis reconnects.
 */
describe.skipIf(SKIP_REDIS)('resend policy (Redis)', () => {
  const redis = useRedisFile('resend');

  async function enqueueAcrossAKilledConnection(safe: boolean) {
    const target = resolveTarget({ ...testTarget(), db: TEST_DB });
    const client = new Redis({
      host: target.host,
      port: target.port,
      db: TEST_DB,
      ...(target.password === undefined ? {} : { password: target.password }),
      ...(target.username === undefined ? {} : { username: target.username }),
      ...(safe ? RESEND_SAFE_REDIS_OPTIONS : {}),
      retryStrategy: () => 10,
    });
    client.on('error', () => undefined);
    const warn = process.emitWarning;
    process.emitWarning = () => undefined;
    const driver = new RedisDriver({ client, keyPrefix: redis.prefix });
    process.emitWarning = warn;
    const queue = uniqueQueue();
    await driver.counts(queue);
    const id = await client.client('ID');
    const blocker = client.blpop(`${redis.prefix}:{${queue}}:never`, 1).catch((error: unknown) => error);
    const job = newJob(queue);
    const outcome = driver.enqueue(job, T0).then(
      () => 'stored' as const,
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await redis.raw.client('KILL', 'ID', String(id));
    const result = await Promise.race([outcome, new Promise((resolve) => setTimeout(() => resolve('no answer'), 3000))]);
    await blocker;
    await new Promise<void>((resolve) => (client.status === 'ready' ? resolve() : client.once('ready', () => resolve())));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stored = await driver.inspect({ queue, id: job.id });
    await driver.close();
    client.disconnect();
    return { result, stored };
  }

  it('an_enqueue_whose_connection_dropped_fails_with_outcome_unknown_and_is_not_resent', async () => {
    const { result, stored } = await enqueueAcrossAKilledConnection(true);
    expect(result).toBeInstanceOf(RedisOutcomeUnknownError);
    // In TaskHarbor's words, with ioredis's own error kept as the cause.
    expect((result as Error).message).toMatch(/Redis did not answer \(the connection to Redis closed before the reply came, and the driver does not resend commands\)/);
    expect((result as Error).message).not.toMatch(/maxRetriesPerRequest|which is 0/);
    expect(((result as Error).cause as Error).name).toBe('MaxRetriesPerRequestError');
    expect(stored).toBeUndefined();
  });

  it('control_ioredis_defaults_would_have_resent_it', async () => {
    const { result, stored } = await enqueueAcrossAKilledConnection(false);
    expect(result).toBe('stored');
    expect(stored?.status).toBe('ready');
  });
});
