import { CancelListeners, DriverClosedError } from '@taskharbor/core';
import pg from 'pg';
import { type FinishCheck, FinishWaiters } from './finish-waiters.js';
import { Listener } from './listener.js';
import { channelName } from './schema-name.js';
import { WorkWaiters } from './work-waiters.js';

/**
 * A driver's pending waits and the one LISTEN connection whose notices end
 * them: waitForWork's waiters, waitForFinish's finish waiters and
 * subscribeCancels' listeners. The driver's own writes wake its waiters
 * directly (through DriverContext); other drivers hear the statements'
 * notifications.
 */
export class DriverNotices {
  readonly waiters = new WorkWaiters();
  readonly finishWaiters: FinishWaiters;
  readonly cancelListeners = new CancelListeners();
  readonly listener: Listener;

  constructor(
    pool: pg.Pool,
    schema: string,
    finished: FinishCheck,
    /** The schema is migrated (the listening connection starts only after). */
    private readonly ready: () => Promise<void>,
  ) {
    this.finishWaiters = new FinishWaiters(finished);
    const poolOptions = (pool as unknown as { options: pg.ClientConfig }).options;
    this.listener = new Listener(() => new pg.Client(poolOptions), channelName(schema), {
      work: (queue) => this.waiters.wake(queue),
      finish: (queue, id) => void this.finishWaiters.recheck(queue, id),
      cancel: (queue, id) => this.cancelListeners.requested({ queue, id }),
      reconnected: () => {
        this.waiters.wakeAll();
        this.finishWaiters.recheckAll();
      },
    });
  }

  /** waitForWork after its checks: a copy of `queues` is waited on, so the caller's array may change meanwhile. */
  waitForWork(queues: readonly string[], signal: AbortSignal): Promise<void> {
    const waiting = this.waiters.wait([...queues], signal);
    this.startListening();
    return waiting;
  }

  /** Settles every pending wait, drops the cancel subscribers and closes the listening connection. */
  close(): Promise<void> {
    this.waiters.wakeAll();
    this.finishWaiters.rejectAll(() => new DriverClosedError('waitForFinish'));
    this.cancelListeners.clear();
    return this.listener.close();
  }

  /** Starts the listening connection for a waiter; a failed start is retried by the listener's reconnect loop. */
  private startListening(): void {
    this.ready()
      .then(() => this.listener.listening())
      .catch(() => this.listener.retrySoon());
  }
}
