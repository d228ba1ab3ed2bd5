import { ValidationError } from '@taskharbor/core';
import { runConformance } from '@taskharbor/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnectError, RedisDataModelError, RedisDriver } from '../src/index.js';
import { type LocalCluster, startLocalCluster } from './support/local-cluster.js';
import { filePrefix, globEscape, SKIP_REDIS, uniqueQueue } from './support/redis-env.js';
import { runWorkerScenario } from './support/worker-run.js';

/**
 * Redis Cluster, for real: three masters started by this file, the
 * conformance suite through a wrapped ioredis Cluster client, a worker run
 * through RedisDriver.connectCluster, and a check that the queues used here
 * landed on more than one master. A cluster has only DB 0, so this file
 * isolates by prefix. TASKHARBOR_SKIP_REDIS_CLUSTER=1 leaves it out on a
 * machine without redis-server.
 */
const SKIP_CLUSTER = SKIP_REDIS || process.env.TASKHARBOR_SKIP_REDIS_CLUSTER === '1';
const prefix = filePrefix('cluster');

describe.skipIf(SKIP_CLUSTER)('Redis Cluster (three local masters)', () => {
  let cluster: LocalCluster | undefined;
  const local = (): LocalCluster => cluster ?? expect.fail('the cluster starts in beforeAll');

  beforeAll(async () => {
    cluster = await startLocalCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  runConformance({
    name: 'RedisDriver on a cluster',
    createDriver: ({ retention }) => new RedisDriver({ client: local().client, keyPrefix: prefix, retention }),
    // The cluster starts in beforeAll, after the suite is collected; a case checks the driver declares exactly these.
    families: ['jobControl', 'schedules', 'flowControl', 'observability'],
  });

  describe('cluster layout', () => {
    it('a_worker_runs_jobs_of_several_queues_through_connect_cluster', async () => {
      const driver = await RedisDriver.connectCluster({ nodes: local().nodes.slice(0, 1), keyPrefix: prefix });
      try {
        const queues = [uniqueQueue(), uniqueQueue(), uniqueQueue(), uniqueQueue()];
        const result = await runWorkerScenario(driver, queues, 40);
        expect(result.runs.size).toBe(161);
        expect([...result.runs.values()].every((count) => count === 1)).toBe(true);
        expect(result.flakyAttempts).toBe(2);
        expect(result.deadReasons).toHaveLength(1);
        expect(result.counts.get(queues[0]!)).toMatchObject({ ready: 0, inflight: 0, done: 42, dlq: 1 });
      } finally {
        await driver.close();
      }
    });

    it('every_key_of_a_queue_is_on_one_master_and_queues_spread_over_several', async () => {
      const client = local().client;
      const mastersByQueue = new Map<string, Set<string>>();
      for (const node of client.nodes('master')) {
        const name = `${node.options.host}:${node.options.port}`;
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', `${globEscape(prefix)}:{*`, 'COUNT', 1000);
          cursor = next;
          for (const key of keys) {
            const queue = key.slice(prefix.length + 2, key.indexOf('}'));
            const masters = mastersByQueue.get(queue) ?? new Set<string>();
            masters.add(name);
            mastersByQueue.set(queue, masters);
          }
        } while (cursor !== '0');
      }
      expect(mastersByQueue.size).toBeGreaterThan(10);
      for (const [queue, masters] of mastersByQueue) expect(masters.size, `keys of ${queue}`).toBe(1);
      const used = new Set([...mastersByQueue.values()].flatMap((masters) => [...masters]));
      expect(used.size).toBeGreaterThan(1);
    });
  });

  describe('connectCluster fails on any failed setup step', () => {
    it('a_connection_name_redis_refuses_fails_with_the_step_named', async () => {
      const error = await RedisDriver.connectCluster({
        nodes: local().nodes.slice(0, 1),
        keyPrefix: prefix,
        clusterOptions: { redisOptions: { connectionName: 'has space' } },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisConnectError);
      expect((error as RedisConnectError).message).toMatch(/^could not connect to Redis at cluster 127\.0\.0\.1:\d+: CLIENT failed/);
    });

    it('a_prefix_of_another_data_model_version_fails_connect', async () => {
      const old = `${prefix}:old`;
      await local().client.set(`${old}:version`, '0');
      const error = await RedisDriver.connectCluster({ nodes: local().nodes.slice(0, 1), keyPrefix: old }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisConnectError);
      expect((error as RedisConnectError).cause).toBeInstanceOf(RedisDataModelError);
      expect(await local().client.get(`${old}:version`)).toBe('0');
      await local().client.del(`${old}:version`);
    });

    it('a_database_other_than_0_is_refused_before_connecting', async () => {
      const error = await RedisDriver.connectCluster({ nodes: local().nodes, clusterOptions: { redisOptions: { db: 3 } } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('clusterOptions.redisOptions.db');
    });
  });
});
