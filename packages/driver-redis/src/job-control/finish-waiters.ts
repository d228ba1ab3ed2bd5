import { DriverClosedError, FINISHED_STATUSES, type JobRecord, JobNotFoundError, type JobRef } from '@taskharbor/core';
import type { KeySpace } from '../keys.js';
import type { RedisClient } from '../lua/script.js';
import { runWatch } from '../lua/watch.js';
import type { PushChannel } from './push-channel.js';

/**
 * How often a waiting waitForFinish reads its job again on its own, in case
 * a message was lost (the subscriber reconnects trigger a read as well).
 */
export const FINISH_RECHECK_MS = 10_000;

/**
 * waitForFinish on Redis. A waiter marks its job hash as watched and reads
 * it in one script (watch-1.lua); the scripts that finish or remove a
 * watched job publish its id on the queue's finished channel, to which this
 * process subscribes once per queue on the shared PushChannel. On a message
 * for its job, on a reconnect, and every FINISH_RECHECK_MS the waiter reads
 * the job again. No loop polls Redis in between.
 */
/** How soon a wait whose subscribe or first read failed (a dropped connection) tries again. */
const JOIN_RETRY_MS = 200;

export class FinishWaiters {
  /** channel -> job id -> the re-check of each waiter of that job. */
  private readonly byChannel = new Map<string, Map<string, Set<() => void>>>();
  private readonly stops = new Map<string, Promise<() => void>>();
  /** The reject of each wait in progress, for close. */
  private readonly pending = new Set<(error: Error) => void>();
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: KeySpace,
    private readonly push: PushChannel,
  ) {}

  wait(ref: JobRef, signal: AbortSignal): Promise<JobRecord> {
    if (this.closed) return Promise.reject(new DriverClosedError('waitForFinish'));
    signal.throwIfAborted();
    const keys = this.keys.queue(ref.queue);
    return new Promise<JobRecord>((resolve, reject) => {
      let settled = false;
      const cleanup: (() => void)[] = [];
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        for (const step of cleanup) step();
        outcome();
      };
      const accept = (record: JobRecord | undefined) => {
        if (record === undefined) settle(() => reject(new JobNotFoundError(ref.queue, ref.id)));
        else if (FINISHED_STATUSES.includes(record.status)) settle(() => resolve(record));
      };
      // A later read that fails (Redis away a moment) leaves the wait on: the next trigger reads again.
      const recheck = () => {
        if (!settled) runWatch(this.client, keys, ref.id).then(accept, () => undefined);
      };
      const onClose = (error: Error) => settle(() => reject(error));
      this.pending.add(onClose);
      cleanup.push(() => this.pending.delete(onClose));
      const onAbort = () => settle(() => reject(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      cleanup.push(() => signal.removeEventListener('abort', onAbort));
      const timer = setInterval(recheck, FINISH_RECHECK_MS);
      timer.unref();
      cleanup.push(() => clearInterval(timer));
      cleanup.push(this.push.onReconnect(recheck));
      const start = () => {
        this.join(keys.finishedChannel, ref.id, recheck, cleanup)
          .then(() => (settled ? undefined : runWatch(this.client, keys, ref.id)))
          .then((record) => {
            if (!settled) accept(record);
          })
          .catch((error: unknown) => {
            if (settled) return;
            if (this.closed || error instanceof DriverClosedError) return settle(() => reject(error));
            // A connection dropped while subscribing or marking the job watched: the wait stays on
            // (the interval re-check runs meanwhile) and subscribes again shortly.
            const retry = setTimeout(start, JOIN_RETRY_MS);
            retry.unref();
            cleanup.push(() => clearTimeout(retry));
          });
      };
      start();
    });
  }

  /** Ends every wait in progress with DriverClosedError. */
  close(): void {
    this.closed = true;
    for (const reject of [...this.pending]) reject(new DriverClosedError('waitForFinish'));
  }

  /** Registers the waiter's re-check for messages about its job; subscribes the channel for the first waiter of its queue. */
  private async join(channel: string, id: string, recheck: () => void, cleanup: (() => void)[]): Promise<void> {
    let ids = this.byChannel.get(channel);
    if (ids === undefined) {
      ids = new Map();
      this.byChannel.set(channel, ids);
    }
    let waiters = ids.get(id);
    if (waiters === undefined) {
      waiters = new Set();
      ids.set(id, waiters);
    }
    waiters.add(recheck);
    cleanup.push(() => this.leave(channel, id, recheck));
    let stop = this.stops.get(channel);
    if (stop === undefined) {
      stop = this.push.listen(channel, (message) => {
        for (const waiter of [...(this.byChannel.get(channel)?.get(message) ?? [])]) waiter();
      });
      this.stops.set(channel, stop);
      stop.catch(() => this.stops.delete(channel));
    }
    await stop;
  }

  private leave(channel: string, id: string, recheck: () => void): void {
    const ids = this.byChannel.get(channel);
    const waiters = ids?.get(id);
    if (ids === undefined || waiters === undefined) return;
    waiters.delete(recheck);
    if (waiters.size > 0) return;
    ids.delete(id);
    if (ids.size > 0) return;
    this.byChannel.delete(channel);
    const stop = this.stops.get(channel);
    this.stops.delete(channel);
    stop?.then((unlisten) => unlisten(), () => undefined);
  }
}
