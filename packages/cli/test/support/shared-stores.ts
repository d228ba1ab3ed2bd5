import { Client, type Driver } from '@taskharbor/core';
import { PostgresDriver } from '@taskharbor/driver-postgres';
import { RedisDriver } from '@taskharbor/driver-redis';
import { afterAll, beforeAll } from 'vitest';
import { cli, databaseUrl, deletePrefix, dropSchema, postgresFlags, type RunningWorker, redisUrl, uniquePrefix, uniqueSchema } from './cli.js';
import type { HarnessRun } from './harness.js';
import type { Track } from './worker-scenarios.js';

/** A shared service the binary's tests use, each file under a namespace of its own (a key prefix, a schema). */
export interface SharedBackend<D> {
  /** A namespace no other file (or earlier run) uses. */
  unique(name: string): string;
  /** The global flags that point the binary at the namespace. */
  flags(namespace: string): string[];
  connect(namespace: string): Promise<D>;
  /** Deletes everything under the namespace, and nothing else: the service is shared. */
  clean(namespace: string): Promise<unknown>;
}

export const REDIS: SharedBackend<RedisDriver> = {
  unique: uniquePrefix,
  flags: (prefix) => ['--driver', 'redis', '--prefix', prefix],
  connect: (prefix) => RedisDriver.connect({ url: redisUrl as string, keyPrefix: prefix }),
  clean: deletePrefix,
};

export const POSTGRES: SharedBackend<PostgresDriver> = {
  unique: uniqueSchema,
  flags: postgresFlags,
  connect: (schema) => PostgresDriver.connect({ connectionString: databaseUrl as string, schema }),
  clean: dropSchema,
};

/** The built binary pointed at a namespace, and a driver and client on the same namespace to set up jobs and check what the binary did. */
export interface CliStore<D> {
  run(...argv: string[]): Promise<HarnessRun>;
  client: Client;
  driver: D;
  namespace: string;
  flags: readonly string[];
}

/**
 * A store for the enclosing describe block: connected before its first case,
 * closed and deleted after its last. The returned function gives the store
 * inside a case (and throws before the block has started).
 */
export function useCliStore<D extends Driver>(backend: SharedBackend<D>, name: string): () => CliStore<D> {
  const namespace = backend.unique(name);
  const flags = backend.flags(namespace);
  let store: CliStore<D> | undefined;

  beforeAll(async () => {
    const driver = await backend.connect(namespace);
    store = {
      run: async (...argv) => {
        const { code, stdout, stderr } = await cli([...flags, ...argv]);
        return { code, stdout, stderr };
      },
      client: new Client(driver),
      driver,
      namespace,
      flags,
    };
  });

  afterAll(async () => {
    await store?.driver.close();
    await backend.clean(namespace);
  });

  return () => {
    if (store === undefined) throw new Error(`the ${name} store is connected in beforeAll: use it inside a case`);
    return store;
  };
}

/**
 * Namespaces for the `worker run` scenarios of the enclosing describe block,
 * one per `flagsFor`, and the `track` they hand their workers to. After the
 * block's last case every worker still running is killed, then every
 * namespace is deleted.
 */
export function useWorkerNamespaces<D>(backend: SharedBackend<D>): { flagsFor(name: string): () => readonly string[]; track: Track } {
  const namespaces: string[] = [];
  const workers: RunningWorker[] = [];

  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    for (const namespace of namespaces) await backend.clean(namespace);
  });

  return {
    flagsFor: (name) => {
      const namespace = backend.unique(name);
      namespaces.push(namespace);
      const flags = backend.flags(namespace);
      return () => flags;
    },
    track: (worker) => {
      workers.push(worker);
      return worker;
    },
  };
}
