import type { Clock } from '@taskharbor/core';

/** A read that took longer than the scrape waits for. */
export class CollectTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'CollectTimeoutError';
  }
}

export interface CachedCallOptions<T> {
  call: () => Promise<T>;
  /** A value serves this long, measured from when its call started. */
  ttlMs: number;
  /** Callers wait this long for a call; then they get the last value and the call counts as failed. */
  timeoutMs: number;
  clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  /** Once per failed call: it rejected, or it outlived timeoutMs. */
  onError: (error: unknown) => void;
}

interface Run {
  /** Resolves when the run settles or its timeout fires, whichever is first. */
  waited: Promise<void>;
  timedOut: boolean;
}

/**
 * One async call behind a time cache: it runs at most once per `ttlMs`
 * (measured from when a call started), and never twice at once: callers that
 * come while it runs share it. A failure keeps the last good value, and is
 * cached as long as a success, so a failing source is not asked more often
 * than a healthy one. Callers wait at most `timeoutMs`; a call that takes
 * longer counts as failed and keeps running, and its late answer is kept.
 */
export class CachedCall<T> {
  private value: T | undefined;
  private startedAt: number | undefined;
  private run: Run | undefined;

  constructor(private readonly options: CachedCallOptions<T>) {}

  /** The cached value, after a fresh call when the cache is older than ttlMs. Never rejects. */
  async get(): Promise<T | undefined> {
    if (this.run === undefined && this.isStale()) this.run = this.start();
    // After a timeout `waited` has resolved: later callers get the last value at once.
    if (this.run !== undefined) await this.run.waited;
    return this.value;
  }

  private isStale(): boolean {
    return this.startedAt === undefined || this.options.clock.now() - this.startedAt >= this.options.ttlMs;
  }

  private start(): Run {
    const { call, timeoutMs, clock } = this.options;
    this.startedAt = clock.now();
    let endWait!: () => void;
    const waited = new Promise<void>((resolve) => {
      endWait = resolve;
    });
    const run: Run = { waited, timedOut: false };
    const timer = clock.setTimeout(() => {
      run.timedOut = true;
      this.report(new CollectTimeoutError(timeoutMs));
      endWait();
    }, timeoutMs);
    // Called from a promise, so a call that throws at once is a failed read like one that rejects.
    Promise.resolve()
      .then(call)
      .then(
        (value) => {
          this.value = value;
        },
        (error: unknown) => {
          if (!run.timedOut) this.report(error);
        },
      )
      .finally(() => {
        clock.clearTimeout(timer);
        this.run = undefined;
        endWait();
      });
    return run;
  }

  private report(error: unknown): void {
    try {
      this.options.onError(error);
    } catch {
      // A broken error hook must not break the scrape.
    }
  }
}
