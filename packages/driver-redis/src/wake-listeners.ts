import type { RedisClient } from './lua/script.js';

/**
 * How long one BLPOP blocks, in seconds. When the last waiter of a queue
 * leaves (its signal aborted), the listener's BLPOP stays out at most this
 * long; a later wait on the same queue joins it instead of sending another.
 */
export const BLOCK_SECONDS = 5;

interface QueueListener {
  readonly key: string;
  /** The settle functions of the waits on this queue. */
  readonly waiters: Set<() => void>;
  /** A connection of its own: BLPOP blocks it. Opened on first use, closed with the driver. */
  connection?: RedisClient;
  running: boolean;
  /** A start is scheduled for the end of this turn (see startSoon). */
  starting: boolean;
}

/**
 * waitForWork on Redis. The scripts that make a job runnable (enqueue,
 * release, a runnable retry, requeue, and reserve when it leaves ready jobs
 * behind) leave one token on the queue's signal list. Here, one listener per
 * watched queue blocks on that list with BLPOP on a connection of its own
 * and, when a token arrives, settles every wait of this process on that
 * queue. A token that arrives while nobody here waits any more is pushed
 * back for another process. No loop polls Redis for work: between tokens
 * each listener sends one BLPOP per BLOCK_SECONDS.
 */
export class WakeListeners {
  private readonly listeners = new Map<string, QueueListener>();
  private readonly pending = new Set<() => void>();
  /** Backoff pauses in progress, each with the function that ends it early (on close). */
  private readonly pauses = new Map<NodeJS.Timeout, () => void>();
  private readonly openConnection: () => RedisClient;
  private readonly signalKey: (queue: string) => string;
  private closed = false;

  constructor(openConnection: () => RedisClient, signalKey: (queue: string) => string) {
    this.openConnection = openConnection;
    this.signalKey = signalKey;
  }

  /** Resolves on a token for one of the queues, when the signal aborts (also when it already has) or on close. */
  wait(queues: readonly string[], signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.closed) return Promise.resolve();
    const names = [...new Set(queues)];
    return new Promise<void>((resolve) => {
      const settle = () => {
        signal.removeEventListener('abort', settle);
        this.pending.delete(settle);
        for (const name of names) this.listeners.get(name)?.waiters.delete(settle);
        resolve();
      };
      this.pending.add(settle);
      signal.addEventListener('abort', settle, { once: true });
      for (const name of names) {
        const listener = this.listenerFor(name);
        listener.waiters.add(settle);
        this.startSoon(listener);
      }
    });
  }

  /** How many waits are pending; for tests that check nothing leaks. */
  get pendingWaits(): number {
    return this.pending.size;
  }

  /** Settles every wait and disconnects the listener connections, which ends their BLPOPs. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const settle of [...this.pending]) settle();
    for (const [timer, end] of this.pauses) {
      clearTimeout(timer);
      end();
    }
    this.pauses.clear();
    for (const listener of this.listeners.values()) listener.connection?.disconnect();
  }

  private listenerFor(queue: string): QueueListener {
    let listener = this.listeners.get(queue);
    if (listener === undefined) {
      listener = { key: this.signalKey(queue), waiters: new Set(), running: false, starting: false };
      this.listeners.set(queue, listener);
    }
    return listener;
  }

  /**
   * Starts the listener's BLPOP at the end of this turn rather than at once.
   * A worker arms its wait just before a reserve; sent first, the BLPOP would
   * delay that reserve by a write, and when the reserve finds work the wait
   * is cancelled before the turn ends, so no BLPOP is sent at all. A token
   * left meanwhile stays in the list for the BLPOP that does go out.
   */
  private startSoon(listener: QueueListener): void {
    if (listener.running || listener.starting) return;
    listener.starting = true;
    setImmediate(() => {
      listener.starting = false;
      if (!listener.running && !this.closed && listener.waiters.size > 0) void this.listen(listener);
    });
  }

  private async listen(listener: QueueListener): Promise<void> {
    listener.running = true;
    let failures = 0;
    try {
      while (!this.closed && listener.waiters.size > 0) {
        let token: unknown;
        try {
          if (listener.connection === undefined || listener.connection.status === 'end') {
            listener.connection = this.openConnection();
          }
          token = await listener.connection.blpop(listener.key, BLOCK_SECONDS);
          failures = 0;
        } catch {
          if (this.closed) return;
          // Redis is away: waiters keep waiting (their own timers still fire); try again with backoff.
          failures++;
          await this.pause(Math.min(2000, 25 * 2 ** failures));
          continue;
        }
        if (token === null) continue;
        if (listener.waiters.size > 0) {
          for (const settle of [...listener.waiters]) settle();
        } else if (!this.closed) {
          // Nobody here waits any more: give the token back so another process's listener gets it.
          await listener.connection.lpush(listener.key, '1').catch(() => undefined);
        }
      }
    } finally {
      listener.running = false;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pauses.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.pauses.set(timer, resolve);
    });
  }
}
