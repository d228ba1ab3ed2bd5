/**
 * Pieces shared by the high-availability fault tests (a silent shard, a
 * hard failover, a Sentinel failover): a producer that keeps enqueueing
 * with its own ids and remembers which enqueues Redis acknowledged, the
 * completion events of the worker processes, and the figures taken from
 * them.
 */
import { Client } from '@taskharbor/core';
import type { RedisDriver } from '@taskharbor/driver-redis';
import { type FaultWorker, type StartEntry, sleep, type WorkerEvent, waitFor } from './fault-harness.js';

/** Enqueues `size` jobs into one queue after another every `everyMs` until stopped. */
export class Producer {
  /** Ids whose enqueue Redis acknowledged, with their queue. */
  readonly acknowledged = new Map<string, string>();
  /** Ids whose enqueue failed (outcome unknown: may or may not be stored). */
  readonly unknown = new Map<string, string>();
  private running = true;
  private readonly done: Promise<void>;

  constructor(driver: RedisDriver, queues: readonly string[], tag: string, size = 5, everyMs = 25) {
    const client = new Client(driver);
    this.done = (async () => {
      for (let round = 0; this.running; round++) {
        const queue = queues[round % queues.length] as string;
        const entries = Array.from({ length: size }, (_, j) => ({
          type: 'work',
          payload: { round, j },
          options: { queue, jobId: `${tag}-${round}-${j}` },
        }));
        try {
          await client.enqueueMany(entries);
          for (const entry of entries) this.acknowledged.set(entry.options.jobId, queue);
        } catch {
          for (const entry of entries) this.unknown.set(entry.options.jobId, queue);
        }
        await sleep(everyMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

/** Enqueues `perQueue` jobs into every queue, 500 per call. */
export async function fillQueues(driver: RedisDriver, queues: readonly string[], perQueue: number): Promise<Map<string, string>> {
  const client = new Client(driver);
  const ids = new Map<string, string>();
  for (const queue of queues) {
    for (let i = 0; i < perQueue; i += 500) {
      const batch = Array.from({ length: Math.min(500, perQueue - i) }, (_, j) => ({ type: 'work', payload: { n: i + j }, options: { queue } }));
      for (const result of await client.enqueueMany(batch)) ids.set(result.id, queue);
    }
  }
  return ids;
}

/** Every `completed` event of the workers (the ack was acknowledged to the worker), oldest first. */
export function completions(workers: readonly FaultWorker[]): WorkerEvent[] {
  return workers.flatMap((worker) => worker.events.filter((event) => event.event === 'completed')).sort((a, b) => a.at - b.at);
}

/** Completions per second of jobs in `queues` between `from` and `to` (ms since the epoch). */
export function completionRate(events: readonly WorkerEvent[], queues: ReadonlySet<string>, from: number, to: number): number {
  const count = events.filter((event) => event.at >= from && event.at < to && queues.has(event.queue ?? '')).length;
  return (count * 1000) / Math.max(1, to - from);
}

/** The first completion of a job in `queues` at or after `since`; undefined if none. */
export function firstCompletionAfter(events: readonly WorkerEvent[], queues: ReadonlySet<string>, since: number): number | undefined {
  return events.find((event) => event.at >= since && queues.has(event.queue ?? ''))?.at;
}

/** Jobs that workers saw acknowledged as done more than once: an acknowledged ack was lost and the job ran again. */
export function completedTwice(events: readonly WorkerEvent[]): string[] {
  const seen = new Map<string, number>();
  for (const event of events) if (event.id !== undefined) seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}

/** Ids of jobs that started more than once. */
export function repeatedIds(starts: readonly StartEntry[]): string[] {
  const count = new Map<string, number>();
  for (const start of starts) count.set(start.id, (count.get(start.id) ?? 0) + 1);
  return [...count].filter(([, n]) => n > 1).map(([id]) => id);
}

/**
 * Why each job that started more than once did: what the workers reported
 * about its earlier run(s). `ackUnknown`: the ack got no reply (sent to a
 * node that died or went silent), so the lease decided; `leaseLost`: the
 * lease ran out before the outcome was written; `noEvent`: nothing reported
 * (the lease ran out while the job's node was away, e.g. a reserve whose
 * reply was lost).
 */
export function repeatReasons(workers: readonly FaultWorker[], repeated: readonly string[]): Record<string, number> {
  const reasons = { ackUnknown: 0, leaseLost: 0, noEvent: 0 };
  const events = workers.flatMap((worker) => worker.events);
  for (const id of repeated) {
    const about = events.filter((event) => event.id === id);
    if (about.some((event) => event.event === 'error' && event.during === 'ack')) reasons.ackUnknown++;
    else if (about.some((event) => event.event === 'leaseLost')) reasons.leaseLost++;
    else reasons.noEvent++;
  }
  return reasons;
}

/** Error events of the workers, counted by where they happened and their code. */
export function errorSummary(workers: readonly FaultWorker[]): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const worker of workers) {
    for (const event of worker.events) {
      if (event.event !== 'error' && event.event !== 'leaseLost') continue;
      const key = `${event.event}:${event.during ?? '?'}:${event.code ?? '?'}`;
      summary[key] = (summary[key] ?? 0) + 1;
    }
  }
  return summary;
}

/** Waits until no job of `queues` is ready, scheduled or in flight (counts that fail, on a node that is away, count as not yet). */
export async function waitQueuesDrained(driver: RedisDriver, queues: readonly string[], ms: number): Promise<void> {
  await waitFor(
    'the queues to drain',
    ms,
    async () => {
      try {
        const counts = await Promise.all(queues.map((queue) => driver.counts(queue)));
        return counts.every((count) => count.ready + count.scheduled + count.inflight === 0);
      } catch {
        return false;
      }
    },
    200,
  );
}
