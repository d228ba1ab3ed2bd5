import { createHash, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ackScript } from '../src/lua/ack.js';
import { enqueueScript } from '../src/lua/enqueue.js';
import { extendScript } from '../src/lua/extend.js';
import { failScript } from '../src/lua/fail.js';
import { listScript } from '../src/lua/list.js';
import { migrateIndexScript } from '../src/lua/migrate.js';
import { releaseScript } from '../src/lua/release.js';
import { requeueScript } from '../src/lua/requeue.js';
import { reserveScript } from '../src/lua/reserve.js';
import { retryScript } from '../src/lua/retry.js';
import { defineScript, runScript } from '../src/lua/script.js';
import { newJob, SKIP_REDIS, T0, uniqueQueue, useRedisFile } from './support/redis-env.js';

const SCRIPTS = [enqueueScript, reserveScript, extendScript, ackScript, retryScript, failScript, releaseScript, requeueScript, listScript, migrateIndexScript];

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
    const driver = await redis.driver();
    const queue = uniqueQueue();
    await driver.enqueue(newJob(queue), T0);
    expect(await redis.raw.script('EXISTS', enqueueScript.sha)).toEqual([1]);
    // Drops every cached script on the server, as a restart or a failover does.
    // (Other test files share this server and reload scripts as they go, so
    // the NOSCRIPT path itself is proven with a script of this test's own below.)
    await redis.raw.script('FLUSH');
    const job = newJob(queue);
    expect(await driver.enqueue(job, T0)).toEqual({ id: job.id, existed: false });
    const { jobs } = await driver.reserve({ queue, limit: 10, leaseMs: 1000, now: T0 });
    expect(jobs).toHaveLength(2);
    expect(await redis.raw.script('EXISTS', enqueueScript.sha, reserveScript.sha)).toEqual([1, 1]);
    // The script that met NOSCRIPT ran exactly once: one job stored, not two.
    expect(await driver.counts(queue)).toMatchObject({ ready: 0, inflight: 2 });
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
});
