import {
  MAX_WORKERS_LISTED,
  type RegisterWorkerOptions,
  validateRegisterWorker,
  validateWorkerId,
  validateWorkersRequest,
  type WorkerEntry,
  type WorkerInfo,
  type WorkersRequest,
} from '@taskharbor/core';
import type { DriverContext } from './driver-context.js';
import { runRegisterWorker } from './lua/register-worker.js';
import { runRemoveWorker } from './lua/remove-worker.js';

/** How many entries one HMGET of workers() reads. */
const READ_CHUNK = 1000;

/** The stored entry: the info's own fields only, in a fixed order (a caller's extra properties are not kept). */
function entryJson(info: WorkerInfo, lastSeenAt: number, expiresAt: number): string {
  const entry: WorkerEntry = {
    id: info.id,
    host: info.host,
    pid: info.pid,
    queues: [...info.queues],
    concurrency: info.concurrency,
    running: info.running,
    startedAt: info.startedAt,
    version: info.version,
    lastSeenAt,
    expiresAt,
  };
  return JSON.stringify(entry);
}

function parseEntry(id: string, json: string): WorkerEntry {
  try {
    return JSON.parse(json) as WorkerEntry;
  } catch (cause) {
    throw new Error(`worker ${id} has an entry that is not JSON`, { cause });
  }
}

/** Most recently started first; ids break ties. */
function byStartDesc(a: WorkerEntry, b: WorkerEntry): number {
  if (a.startedAt !== b.startedAt) return b.startedAt - a.startedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The live-worker part of the Observability family: two global keys under
 * one hash tag (KeySpace.workers and workerExpiries). Liveness is decided
 * by the callers' `now`, not by Redis TTLs: an entry with expiresAt at or
 * before `now` is left out, and each registerWorker deletes up to 100 such
 * entries, so the keys stay small without a sweeper.
 */
export class WorkerRegistry {
  constructor(private readonly ctx: DriverContext) {}

  async registerWorker(info: WorkerInfo, options: RegisterWorkerOptions): Promise<void> {
    this.ctx.assertOpen('registerWorker');
    validateRegisterWorker(info, options);
    await this.ctx.prepare();
    const expiresAt = options.now + options.ttlMs;
    const entry = entryJson(info, options.now, expiresAt);
    const keys = this.ctx.keys;
    await this.ctx.writeKey(
      `registerWorker of ${info.id}`,
      () => runRegisterWorker(this.ctx.client, keys, info.id, entry, expiresAt, options.now),
      keys.workers,
    );
  }

  async removeWorker(id: string): Promise<boolean> {
    this.ctx.assertOpen('removeWorker');
    validateWorkerId(id);
    await this.ctx.prepare();
    const keys = this.ctx.keys;
    return this.ctx.writeKey(`removeWorker of ${id}`, () => runRemoveWorker(this.ctx.client, keys, id), keys.workers);
  }

  /** The live entries: the MAX_WORKERS_LISTED latest to expire, read in chunks, then sorted by startedAt. */
  async workers(request?: WorkersRequest): Promise<WorkerEntry[]> {
    this.ctx.assertOpen('workers');
    validateWorkersRequest(request);
    await this.ctx.prepare();
    const now = request?.now ?? Date.now();
    const { client, keys } = this.ctx;
    const ids = await client.zrevrangebyscore(keys.workerExpiries, '+inf', `(${now}`, 'LIMIT', 0, MAX_WORKERS_LISTED);
    const entries: WorkerEntry[] = [];
    for (let at = 0; at < ids.length; at += READ_CHUNK) {
      const chunk = ids.slice(at, at + READ_CHUNK);
      const values = await client.hmget(keys.workers, ...chunk);
      values.forEach((json, i) => {
        // An entry removed between the two reads is simply gone.
        if (json === null) return;
        const entry = parseEntry(chunk[i] as string, json);
        if (entry.expiresAt > now) entries.push(entry);
      });
    }
    return entries.sort(byStartDesc);
  }
}
