import { createHash, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ackScript } from '../src/lua/ack.js';
import { advanceScheduleScript } from '../src/lua/advance-schedule.js';
import { claimScheduleScript } from '../src/lua/claim-schedule.js';
import { enqueueScript } from '../src/lua/enqueue.js';
import { extendScript } from '../src/lua/extend.js';
import { failScript } from '../src/lua/fail.js';
import { flowStateScript } from '../src/lua/flow-state.js';
import { holdBackScript } from '../src/lua/hold-back.js';
import { listScript } from '../src/lua/list.js';
import { cancelScript } from '../src/lua/cancel.js';
import { migrateDlqScript, migrateFieldsScript, migrateIdsScript, migrateIndexScript, migrateLevelsScript } from '../src/lua/migrate.js';
import { pauseGroupScript } from '../src/lua/pause-group.js';
import { pauseScheduleScript } from '../src/lua/pause-schedule.js';
import { promoteScript } from '../src/lua/promote.js';
import { putScheduleScript } from '../src/lua/put-schedule.js';
import { purgeGroupReadyScript, purgeLevelReadyScript, purgeScript } from '../src/lua/purge.js';
import { removeScript } from '../src/lua/remove.js';
import { removeScheduleScript } from '../src/lua/remove-schedule.js';
import { requeueManyScript } from '../src/lua/requeue-many.js';
import { resumeScript } from '../src/lua/resume.js';
import { setFlowLimitsScript } from '../src/lua/set-flow-limits.js';
import { setProgressScript } from '../src/lua/set-progress.js';
import { snoozeScript } from '../src/lua/snooze.js';
import { watchScript } from '../src/lua/watch.js';
import { registerWorkerScript } from '../src/lua/register-worker.js';
import { releaseScript } from '../src/lua/release.js';
import { removeWorkerScript } from '../src/lua/remove-worker.js';
import { requeueScript } from '../src/lua/requeue.js';
import { offerHandoffScript, withdrawHandoffScript } from '../src/lua/handoff.js';
import { reserveScript } from '../src/lua/reserve.js';
import { retryScript } from '../src/lua/retry.js';
import { defineScript, runScript } from '../src/lua/script.js';
import { RedisDriver } from '../src/index.js';
import { startPrivateRedis } from './support/redis-process.js';
import { newJob, openRawClient, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

const SCRIPTS = [
  enqueueScript,
  reserveScript,
  extendScript,
  ackScript,
  retryScript,
  failScript,
  releaseScript,
  requeueScript,
  listScript,
  migrateIndexScript,
  migrateDlqScript,
  migrateFieldsScript,
  migrateLevelsScript,
  migrateIdsScript,
  cancelScript,
  removeScript,
  promoteScript,
  resumeScript,
  purgeScript,
  requeueManyScript,
  setProgressScript,
  watchScript,
  claimScheduleScript,
  putScheduleScript,
  removeScheduleScript,
  advanceScheduleScript,
  pauseScheduleScript,
  snoozeScript,
  holdBackScript,
  setFlowLimitsScript,
  pauseGroupScript,
  flowStateScript,
  purgeGroupReadyScript,
  purgeLevelReadyScript,
  registerWorkerScript,
  removeWorkerScript,
  offerHandoffScript,
  withdrawHandoffScript,
];

describe('Lua scripts', () => {
  it('every_script_file_is_named_after_its_script_and_key_count', () => {
    const files = readdirSync(new URL('../src/lua/', import.meta.url)).filter((file) => file.endsWith('.lua'));
    expect(files.sort()).toEqual(SCRIPTS.map((script) => `${script.name}-${script.numKeys}.lua`).sort());
  });

  it('includes_are_resolved_and_the_sha_is_that_of_the_full_source', () => {
    for (const script of SCRIPTS) {
      expect(script.source).not.toMatch(/@include/);
      expect(script.sha).toBe(createHash('sha1').update(script.source).digest('hex'));
    }
    expect(() => defineScript('broken', 0, '--- @include "no-such-fragment"\nreturn 1')).toThrow(/no-such-fragment/);
  });
});

describe.skipIf(SKIP_REDIS)('Lua scripts on Redis', () => {
  const redis = useRedisFile('scripts');

  it('scripts_run_by_sha_and_survive_a_script_flush', async () => {
    // A redis-server of this test's own: SCRIPT FLUSH empties a server's whole script cache, and
    // on the shared server it would break other suites running at the same time (the benchmark's
    // bee-queue contender does not reload its scripts).
    const server = await startPrivateRedis([]);
    const driver = await RedisDriver.connect({ url: `redis://127.0.0.1:${server.port}` });
    const raw = new Redis({ host: '127.0.0.1', port: server.port });
    try {
      const queue = uniqueQueue();
      await driver.enqueue(newJob(queue), T0);
      expect(await raw.script('EXISTS', enqueueScript.sha)).toEqual([1]);
      // Drops every cached script on the server, as a restart or a failover does.
      await raw.script('FLUSH');
      const job = newJob(queue);
      expect(await driver.enqueue(job, T0)).toEqual({ id: job.id, existed: false });
      const { jobs } = await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 });
      expect(jobs).toHaveLength(2);
      expect(await raw.script('EXISTS', enqueueScript.sha, reserveScript.sha)).toEqual([1, 1]);
      // The script that met NOSCRIPT ran exactly once: one job stored, not two.
      expect(await driver.counts(queue)).toMatchObject({ ready: 0, inflight: 2 });
    } finally {
      raw.disconnect();
      await driver.close();
      await server.stop();
    }
  });

  it('a_script_unknown_to_the_server_is_loaded_by_eval_and_then_runs_by_sha', async () => {
    const key = `${redis.prefix}:{probe}:counter`;
    const probe = defineScript('probe', 1, `-- ${randomUUID()}\nreturn redis.call('INCR', KEYS[1])`);
    const noscriptErrors = async () => Number(/errorstat_NOSCRIPT:count=(\d+)/.exec(await redis.raw.info('errorstats'))?.[1] ?? 0);
    const before = await noscriptErrors();
    expect(await runScript(redis.raw, probe, [key], [], 'text')).toBe(1);
    expect(await noscriptErrors()).toBeGreaterThan(before);
    expect(await redis.raw.script('EXISTS', probe.sha)).toEqual([1]);
    expect(await runScript(redis.raw, probe, [key], [], 'text')).toBe(2);
  });

  it('script_arguments_arrive_as_sent_strings_numbers_binary_and_thousands_of_them', async () => {
    const echo = defineScript('echo', 1, "return ARGV");
    const binary = Buffer.from([0, 0xff, 0x0d, 0x0a, 0x80]);
    const many = Array.from({ length: 12_000 }, (_, i) => `a${i}`);
    const args = ['plain', 42, binary, '', 'é', ...many];
    const asBytes = (await runScript(redis.raw, echo, [`${redis.prefix}:{echo}:k`], args, 'bytes')) as Buffer[];
    expect(asBytes).toHaveLength(args.length);
    expect(asBytes[0]).toEqual(Buffer.from('plain'));
    expect(asBytes[1]).toEqual(Buffer.from('42'));
    expect(asBytes[2]).toEqual(binary);
    expect(asBytes[3]).toEqual(Buffer.alloc(0));
    expect(asBytes[4]).toEqual(Buffer.from('é'));
    expect(asBytes.at(-1)).toEqual(Buffer.from('a11999'));
    const asText = (await runScript(redis.raw, echo, [`${redis.prefix}:{echo}:k`], ['plain', 7], 'text')) as string[];
    expect(asText).toEqual(['plain', '7']);
  });

  it('a_client_with_auto_pipelining_runs_the_scripts_too', async () => {
    const client = openRawClient();
    client.options.enableAutoPipelining = true;
    try {
      const driver = new RedisDriver({ client, keyPrefix: redis.prefix });
      const queue = uniqueQueue();
      const binary = newJob(queue, { payload: new Uint8Array([0xff, 0, 0xfe]) });
      const [stored, again] = await Promise.all([driver.enqueue(binary, T0), driver.enqueue(binary, T0)]);
      expect([stored.existed, again.existed].sort()).toEqual([false, true]);
      const { jobs } = await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 });
      expect(jobs.map((job) => [...job.job.payload])).toEqual([[0xff, 0, 0xfe]]);
      await driver.close();
    } finally {
      client.disconnect();
    }
  });
});
