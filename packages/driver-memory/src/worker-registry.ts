import { MAX_WORKERS_LISTED, type WorkerEntry, type WorkerInfo } from '@taskharbor/core';
import { compareIds } from './id-order.js';

/** How many of the longest-unrefreshed entries one register looks at for pruning. */
const PRUNE_STEP = 16;

/**
 * The live-worker entries of one memory driver. Map order is the order of
 * the last register (an upsert moves its entry to the end), so the entries
 * looked at for pruning are the longest unrefreshed ones.
 */
export class WorkerRegistry {
  private readonly entries = new Map<string, WorkerEntry>();

  /** Adds or replaces the entry, then deletes up to PRUNE_STEP expired ones from the front. */
  register(info: WorkerInfo, now: number, ttlMs: number, isLive: (entry: WorkerEntry, now: number) => boolean): void {
    this.entries.delete(info.id);
    this.entries.set(info.id, { ...copyInfo(info), lastSeenAt: now, expiresAt: now + ttlMs });
    let looked = 0;
    for (const [id, entry] of this.entries) {
      if (looked++ >= PRUNE_STEP) break;
      if (!isLive(entry, now)) this.entries.delete(id);
    }
  }

  remove(id: string): boolean {
    return this.entries.delete(id);
  }

  /** Copies of the live entries, most recently started first (then by id), at most MAX_WORKERS_LISTED. */
  live(now: number, isLive: (entry: WorkerEntry, now: number) => boolean): WorkerEntry[] {
    const found: WorkerEntry[] = [];
    for (const entry of this.entries.values()) if (isLive(entry, now)) found.push(entry);
    found.sort((a, b) => b.startedAt - a.startedAt || compareIds(a.id, b.id));
    return found.slice(0, MAX_WORKERS_LISTED).map((entry) => ({ ...entry, queues: [...entry.queues] }));
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The info's fields only (a caller's extra properties are not stored), with its own queues array. */
function copyInfo(info: WorkerInfo): WorkerInfo {
  return {
    id: info.id,
    host: info.host,
    pid: info.pid,
    queues: [...info.queues],
    concurrency: info.concurrency,
    running: info.running,
    startedAt: info.startedAt,
    version: info.version,
  };
}
