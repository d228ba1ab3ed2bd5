import { Client } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import type { PostgresDriver } from '@taskharbor/driver-postgres';
import { RedisDriver } from '@taskharbor/driver-redis';
import { Worker as TaskHarborWorker } from '@taskharbor/worker';
import BeeQueue from 'bee-queue';
import { Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import type { Redis } from 'ioredis';
import { deleteByPrefix, type RedisTarget } from './redis-stats.js';

/** A job's data: `t` is performance.now() just before it was enqueued (latency runs), `pad` fills payloads, `i` numbers jobs (memory runs). */
export interface JobData {
  t?: number;
  pad?: string;
  i?: number;
}

export interface RunOptions {
  /** Finished jobs removed at once (true) or all kept (false). */
  removeDone: boolean;
}

/**
 * One contender on one fresh queue (its own key prefix). Each method is what
 * a user of that library would call; nothing is tuned beyond the options
 * named in docs/benchmarks.md.
 */
export interface Contender {
  enqueueOne(data: JobData): Promise<void>;
  enqueueBulk(data: JobData[]): Promise<void>;
  /** Builds the worker and waits until its connections are up, without taking jobs yet. */
  prepareWorker(concurrency: number, onStart: (data: JobData) => void, onDone: () => void): Promise<void>;
  /** Starts taking jobs. */
  startWorker(): void;
  /**
   * Resolves once every job the worker reported done is also recorded as
   * finished in the store: for libraries whose completion event comes before
   * their write (graphile-worker's batched completions, pg-boss). Unset when
   * the done event already follows the write.
   */
  settled?(): Promise<void>;
  stopWorker(): Promise<void>;
  /** Closes everything and deletes the queue's keys. */
  close(): Promise<void>;
}

export interface ContenderKind {
  name: string;
  /** Runs against Redis (the memory and Postgres drivers do not). */
  redis: boolean;
  /** The table the contender is compared in: the Redis peers (and the memory driver), or the Postgres peers. */
  group: 'redis' | 'postgres';
  /** false: the library cannot remove a job when it finishes, so the "done removed" runs skip it. */
  removesDone?: boolean;
  /** false: the library always deletes a finished job, so the "done kept" runs skip it. */
  keepsDone?: boolean;
  /** How many of the scenario's n jobs a processing run uses (default n): for a polling library that would take minutes. */
  processJobs?(concurrency: number, n: number, quick: boolean): number;
  /** How many latency samples a round takes (default n), for the same reason. */
  latencyJobs?(n: number, quick: boolean): number;
  create(options: RunOptions, prefix: string): Promise<Contender>;
}

export const QUEUE = 'bench';
export const TYPE = 'noop';

/** TaskHarbor's retention for a run: remove a job at its ack, or keep every one. */
export function retentionFor(options: RunOptions): { maxDoneCount: number; maxDoneAgeMs: number } {
  return options.removeDone
    ? { maxDoneCount: 0, maxDoneAgeMs: Number.POSITIVE_INFINITY }
    : { maxDoneCount: Number.POSITIVE_INFINITY, maxDoneAgeMs: Number.POSITIVE_INFINITY };
}

export function contenderKinds(target: RedisTarget, admin: Redis): ContenderKind[] {
  const connection = { host: target.host, port: target.port, db: target.db };
  return [
    {
      name: 'taskharbor',
      redis: true,
      group: 'redis',
      create: async (options, prefix) => {
        const driver = await RedisDriver.connect({ url: target.url, db: target.db, keyPrefix: prefix, retention: retentionFor(options) });
        const client = new Client(driver);
        const base = taskHarborContender(driver, client);
        return {
          ...base,
          close: async () => {
            await base.close();
            await driver.close();
            await deleteByPrefix(admin, `${prefix}:`);
          },
        };
      },
    },
    {
      name: 'bullmq',
      redis: true,
      group: 'redis',
      create: async (options, prefix) => {
        const queue = new BullQueue(QUEUE, { connection: { ...connection }, prefix });
        await queue.waitUntilReady();
        const jobOptions = { removeOnComplete: options.removeDone, removeOnFail: false };
        let worker: BullWorker | undefined;
        return {
          enqueueOne: async (data) => {
            await queue.add(TYPE, data, jobOptions);
          },
          enqueueBulk: async (data) => {
            await queue.addBulk(data.map((d) => ({ name: TYPE, data: d, opts: jobOptions })));
          },
          prepareWorker: async (concurrency, onStart, onDone) => {
            worker = new BullWorker(
              QUEUE,
              async (job) => {
                onStart(job.data as JobData);
              },
              { connection: { ...connection, maxRetriesPerRequest: null }, prefix, concurrency, autorun: false },
            );
            worker.on('completed', () => onDone());
            await worker.waitUntilReady();
          },
          startWorker: () => {
            void worker?.run();
          },
          stopWorker: async () => {
            await worker?.close();
            worker = undefined;
          },
          close: async () => {
            await worker?.close();
            await queue.close();
            await deleteByPrefix(admin, `${prefix}:`);
          },
        };
      },
    },
    {
      name: 'bee-queue',
      redis: true,
      group: 'redis',
      create: async (options, prefix) => {
        const settings = {
          prefix,
          redis: { ...connection },
          isWorker: false,
          getEvents: false,
          sendEvents: false,
          storeJobs: false,
          removeOnSuccess: options.removeDone,
          activateDelayedJobs: false,
        };
        const producer = new BeeQueue<JobData>(QUEUE, settings);
        await producer.ready();
        let worker: BeeQueue<JobData> | undefined;
        let pending: { concurrency: number; onStart: (data: JobData) => void } | undefined;
        return {
          enqueueOne: async (data) => {
            await producer.createJob(data).save();
          },
          enqueueBulk: async (data) => {
            const errors = await producer.saveAll(data.map((d) => producer.createJob(d)));
            if (errors.size > 0) throw new Error(`bee-queue saveAll: ${errors.size} jobs failed`);
          },
          prepareWorker: async (concurrency, onStart, onDone) => {
            worker = new BeeQueue<JobData>(QUEUE, { ...settings, isWorker: true });
            worker.on('succeeded', () => onDone());
            await worker.ready();
            pending = { concurrency, onStart };
          },
          startWorker: () => {
            const p = pending;
            if (worker === undefined || p === undefined) throw new Error('bee-queue worker not prepared');
            worker.process(p.concurrency, async (job) => {
              p.onStart(job.data);
            });
          },
          stopWorker: async () => {
            await worker?.close();
            worker = undefined;
          },
          close: async () => {
            await worker?.close();
            await producer.close();
            await deleteByPrefix(admin, `${prefix}:`);
          },
        };
      },
    },
    {
      name: 'taskharbor-memory',
      redis: false,
      group: 'redis',
      create: async (options) => {
        const driver = new MemoryDriver({ retention: retentionFor(options) });
        const client = new Client(driver);
        const base = taskHarborContender(driver, client);
        return {
          ...base,
          close: async () => {
            await base.close();
            await driver.close();
          },
        };
      },
    },
  ];
}

/** Worker options every TaskHarbor contender runs with; the bench's `--prefetch=N` sets prefetch. */
export const taskHarborWorkerOptions = { prefetch: 0 };

/** TaskHarbor's client and worker on any driver, as a user would call them. */
export function taskHarborContender(driver: RedisDriver | MemoryDriver | PostgresDriver, client: Client): Contender {
  let worker: TaskHarborWorker | undefined;
  return {
    enqueueOne: async (data) => {
      await client.enqueue(TYPE, data, { queue: QUEUE });
    },
    enqueueBulk: async (data) => {
      await client.enqueueMany(data.map((d) => ({ type: TYPE, payload: d, options: { queue: QUEUE } })));
    },
    prepareWorker: async (concurrency, onStart, onDone) => {
      worker = new TaskHarborWorker(driver, { queues: [QUEUE], concurrency, keepAlive: false, ...taskHarborWorkerOptions });
      worker.register(TYPE, (job) => {
        onStart(job.payload as JobData);
      });
      worker.on('completed', () => onDone());
    },
    startWorker: () => {
      void worker?.start();
    },
    stopWorker: async () => {
      await worker?.close();
      worker = undefined;
    },
    close: async () => {
      await worker?.close();
      worker = undefined;
    },
  };
}
