import type { WaitForWorkResult } from '@taskharbor/core';
import type { HandedJob } from './handoff-frame.js';
import type { Handoffs } from './handoffs.js';
import type { RedisClient } from './lua/script.js';

/**
 * How long one BLPOP blocks, in seconds. When the last waiter of a queue
 * leaves (its signal aborted), the listener's BLPOP stays out at most this
 * long; a later wait on the same queue joins it instead of sending another.
 */
export const BLOCK_SECONDS = 5;

/**
 * How long a handoff offer stands unless renewed. A listener renews it
 * before every BLPOP, so the offer of a process that died lapses this long
 * after its last BLPOP went out; an enqueue in that window leases a job to
 * nobody, and that job waits for its lease to expire and be reclaimed.
 */
export const OFFER_STANDS_MS = BLOCK_SECONDS * 1000 + 2000;

/** The most time close() gives the withdrawal of standing offers before it lets them lapse. */
const WITHDRAW_ON_CLOSE_MS = 2000;

interface Waiter {
  /** Ends the wait, with the job handed to it, if any. */
  readonly settle: (result?: WaitForWorkResult) => void;
  /** Set when the wait takes a job with its wake-up: the lease length it asks for. */
  readonly handoffLeaseMs: number | undefined;
}

interface QueueListener {
  readonly queue: string;
  readonly key: string;
  /** The waits on this queue. */
  readonly waiters: Set<Waiter>;
  /** A connection of its own: BLPOP blocks it. Opened on first use, closed with the driver. */
  connection?: RedisClient;
  running: boolean;
  /** A start is scheduled for the end of this turn (see startSoon). */
  starting: boolean;
  /** This listener's offers put up and neither taken nor withdrawn yet, by token. */
  readonly standing: Map<string, string>;
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
 *
 * Handoff: while a wait that takes a job (`handoff`) is pending, the
 * listener also offers, before each BLPOP, to take one job of its queue; an
 * enqueue then leases the job it makes ready to the offer and pushes it onto
 * this listener's handoff list, which the same BLPOP watches. The job goes
 * to one taking wait; when none is left, back to its queue (release). When
 * the last taking wait leaves, the offer is withdrawn at once.
 */
export class WakeListeners {
  private readonly listeners = new Map<string, QueueListener>();
  private readonly pending = new Set<() => void>();
  /** Backoff pauses in progress, each with the function that ends it early (on close). */
  private readonly pauses = new Map<NodeJS.Timeout, () => void>();
  /** Withdrawals and give-backs in progress, for close() to wait on. */
  private readonly chores = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly openConnection: () => RedisClient,
    private readonly signalKey: (queue: string) => string,
    /** Unset when jobs are never handed over (leases on the server's clock). */
    private readonly handoffs: Handoffs | undefined,
  ) {}

  /**
   * Resolves on a token for one of the queues, with a job handed to it
   * when `handoffLeaseMs` is set and one came; at once when the signal
   * aborts (also when it already has) or on close.
   */
  wait(queues: readonly string[], signal: AbortSignal, handoffLeaseMs?: number): Promise<WaitForWorkResult | undefined> {
    if (signal.aborted || this.closed) return Promise.resolve(undefined);
    const names = [...new Set(queues)];
    const takes = this.handoffs !== undefined && handoffLeaseMs !== undefined;
    return new Promise<WaitForWorkResult | undefined>((resolve) => {
      const end = () => {
        signal.removeEventListener('abort', abort);
        this.pending.delete(end);
        for (const name of names) {
          const listener = this.listeners.get(name);
          if (listener === undefined) continue;
          listener.waiters.delete(waiter);
          if (takes && listener.standing.size > 0 && !this.hasTaker(listener)) this.withdrawNow(listener);
        }
      };
      const waiter: Waiter = {
        settle: (result) => {
          end();
          resolve(result);
        },
        handoffLeaseMs: takes ? handoffLeaseMs : undefined,
      };
      const abort = () => waiter.settle();
      this.pending.add(abort);
      signal.addEventListener('abort', abort, { once: true });
      for (const name of names) {
        const listener = this.listenerFor(name);
        listener.waiters.add(waiter);
        // A listener already blocked has no offer for this wait yet: put one up now, not at its next BLPOP.
        if (takes && listener.running && listener.standing.size === 0) this.putUpOffer(listener);
        this.startSoon(listener);
      }
    });
  }

  /** How many waits are pending; for tests that check nothing leaks. */
  get pendingWaits(): number {
    return this.pending.size;
  }

  /**
   * Takes back every standing offer (giving back what was handed to it),
   * waiting at most WITHDRAW_ON_CLOSE_MS; offers left lapse by themselves.
   * Call while the driver can still write.
   */
  async withdrawAll(): Promise<void> {
    for (const listener of this.listeners.values()) {
      if (listener.standing.size > 0) this.withdrawNow(listener);
    }
    if (this.chores.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.chores]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, WITHDRAW_ON_CLOSE_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  /** Settles every wait and disconnects the listener connections, which ends their BLPOPs. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const abort of [...this.pending]) abort();
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
      listener = { queue, key: this.signalKey(queue), waiters: new Set(), running: false, starting: false, standing: new Map() };
      this.listeners.set(queue, listener);
    }
    return listener;
  }

  private hasTaker(listener: QueueListener): boolean {
    return this.takerLeaseMs(listener) !== undefined;
  }

  /** The shortest lease the taking waits ask for, or undefined when none takes a job. */
  private takerLeaseMs(listener: QueueListener): number | undefined {
    let leaseMs: number | undefined;
    for (const waiter of listener.waiters) {
      if (waiter.handoffLeaseMs !== undefined && (leaseMs === undefined || waiter.handoffLeaseMs < leaseMs)) leaseMs = waiter.handoffLeaseMs;
    }
    return leaseMs;
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
    const handoffKey = this.handoffs?.handoffKey(listener.queue);
    try {
      while (!this.closed && listener.waiters.size > 0) {
        let reply: [Buffer, Buffer] | null;
        try {
          if (listener.connection === undefined || listener.connection.status === 'end') {
            listener.connection = this.openConnection();
          }
          const connection = listener.connection;
          this.renewOffer(listener);
          reply = (await (handoffKey === undefined
            ? connection.blpopBuffer(listener.key, BLOCK_SECONDS)
            : connection.blpopBuffer(handoffKey, listener.key, BLOCK_SECONDS))) as [Buffer, Buffer] | null;
          failures = 0;
        } catch {
          if (this.closed) return;
          // Redis is away: waiters keep waiting (their own timers still fire); try again with backoff.
          failures++;
          await this.pause(Math.min(2000, 25 * 2 ** failures));
          continue;
        }
        if (reply === null) continue;
        if (handoffKey !== undefined && reply[0].toString() === handoffKey) {
          // An offer was taken; the next turn of the loop puts up a new one if a taking wait is left.
          this.deliver(listener, reply[1]);
          continue;
        }
        if (listener.waiters.size > 0) {
          for (const waiter of [...listener.waiters]) waiter.settle();
        } else if (!this.closed) {
          // Nobody here waits any more: give the token back so another process's listener gets it.
          await listener.connection.lpush(listener.key, '1').catch(() => undefined);
        }
      }
    } finally {
      listener.running = false;
      if (listener.standing.size > 0 && !this.closed) this.withdrawNow(listener);
    }
  }

  /**
   * Before each BLPOP: a fresh offer while a taking wait is here (it renews
   * the standing one, which would lapse), else the withdrawal of any left.
   * Not awaited: the BLPOP may block before the offer lands; a job handed
   * to the offer reaches the list it watches either way.
   */
  private renewOffer(listener: QueueListener): void {
    if (this.hasTaker(listener)) this.putUpOffer(listener);
    else if (listener.standing.size > 0) this.withdrawNow(listener);
  }

  /** Puts up a new offer for the listener's taking waits, withdrawing its earlier ones in the same script. */
  private putUpOffer(listener: QueueListener): void {
    const handoffs = this.handoffs;
    const leaseMs = this.takerLeaseMs(listener);
    if (handoffs === undefined || leaseMs === undefined) return;
    const offer = handoffs.newOffer(leaseMs);
    const earlier = [...listener.standing.values()];
    listener.standing.clear();
    listener.standing.set(handoffs.tokenOf(offer), offer);
    // A failed offer only means no handoff: the wait still wakes on the token.
    this.chore(handoffs.offer(listener.queue, offer, OFFER_STANDS_MS, earlier).catch(() => undefined));
  }

  /** Takes back the listener's standing offers and gives back what reached its list unread. */
  private withdrawNow(listener: QueueListener): void {
    const handoffs = this.handoffs;
    if (handoffs === undefined) return;
    const offers = [...listener.standing.values()];
    listener.standing.clear();
    // Failed: the offers lapse by themselves, and a job handed to one is reclaimed when its lease expires.
    this.chore(handoffs.withdraw(listener.queue, offers).catch(() => undefined));
  }

  /** A job handed to this listener: to a taking wait if one is left, else back to its queue. */
  private deliver(listener: QueueListener, frame: Buffer): void {
    const handoffs = this.handoffs as Handoffs;
    let handed: HandedJob;
    try {
      handed = handoffs.read(listener.queue, frame);
    } catch {
      // Not a frame this driver wrote: nothing to give back; a lease in it expires and is reclaimed.
      return;
    }
    listener.standing.delete(handed.reserved.lease.token);
    for (const waiter of listener.waiters) {
      if (waiter.handoffLeaseMs !== undefined) {
        waiter.settle({ jobs: [handed.reserved] });
        return;
      }
    }
    this.chore(handoffs.giveBack(handed));
  }

  private chore(work: Promise<void>): void {
    this.chores.add(work);
    void work.finally(() => this.chores.delete(work));
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
