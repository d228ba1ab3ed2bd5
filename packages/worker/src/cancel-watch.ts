import { type Driver, hasJobControl, type JobRef } from '@taskharbor/core';
import { toError } from './errors.js';

/** A running job as the cancel watch sees it. */
export interface Cancellable {
  readonly record: { readonly id: string; readonly queue: string };
  requestCancel(): void;
}

export interface CancelWatchInput {
  driver: Driver;
  queues: readonly string[];
  /** The worker's cancelPush option. */
  push: boolean;
  /** The worker's current jobs. */
  runs: () => Iterable<Cancellable>;
  onError: (error: Error) => void;
}

/**
 * Listens for cancel requests on the driver's push channel while the worker
 * runs, and hands each one to the job it names when it runs here. The
 * heartbeat is the fallback (a lease it renews carries cancelRequested), so
 * a channel that drops a message, or none at all, only makes the abort later.
 * Requests are rare, so they are matched by a scan of the running jobs
 * rather than an index every job start would pay for.
 */
export class CancelWatch {
  private readonly input: CancelWatchInput;
  private readonly ended = new AbortController();

  constructor(input: CancelWatchInput) {
    this.input = input;
  }

  /** Resolves once listening (at once when there is nothing to listen to); a failure is reported, not thrown. */
  async start(): Promise<void> {
    const { driver, queues, push } = this.input;
    if (!push || !hasJobControl(driver)) return;
    try {
      await driver.subscribeCancels({ queues, signal: this.ended.signal }, (ref) => this.deliver(ref));
    } catch (error) {
      if (!this.ended.signal.aborted) this.input.onError(toError(error));
    }
  }

  stop(): void {
    this.ended.abort();
  }

  private deliver(ref: JobRef): void {
    for (const run of this.input.runs()) {
      if (run.record.id === ref.id && run.record.queue === ref.queue) run.requestCancel();
    }
  }
}
