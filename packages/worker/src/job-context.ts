import type { Lease } from '@taskharbor/core';
import type { JobContext } from './handler.js';
import { type JobLogger, jobLogger, type Logger } from './logger.js';

/** What a run lends its handler's context. */
export interface ContextSource {
  readonly lease: Lease;
  abortSignal(): AbortSignal;
  extendByHand(ms?: number): Promise<Lease>;
  reportProgress(value: unknown): Promise<void>;
  snooze(ms: number): never;
  logFields(): Record<string, unknown>;
  readonly logger: Logger;
}

/**
 * The `ctx` a handler gets. A class rather than an object literal with
 * getters: a busy worker makes one per job, and the literal cost a closure
 * per accessor. The signal and the logger are made on first use.
 */
export class RunContext implements JobContext {
  /** A bound function, so `const { extendLease } = ctx` keeps working. */
  readonly extendLease: (ms?: number) => Promise<Lease>;
  private readonly source: ContextSource;
  private cachedLog: JobLogger | undefined;

  constructor(source: ContextSource) {
    this.source = source;
    this.extendLease = (ms) => source.extendByHand(ms);
  }

  get signal(): AbortSignal {
    return this.source.abortSignal();
  }

  get lease(): Lease {
    return this.source.lease;
  }

  progress(value: unknown): Promise<void> {
    return this.source.reportProgress(value);
  }

  snooze(ms: number): never {
    return this.source.snooze(ms);
  }

  get log(): JobLogger {
    this.cachedLog ??= jobLogger(this.source.logger, this.source.logFields());
    return this.cachedLog;
  }
}
