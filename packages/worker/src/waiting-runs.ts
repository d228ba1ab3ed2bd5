import type { JobRun } from './run-job.js';

/**
 * Reserved jobs waiting for a handler slot, oldest first (see the prefetch
 * option). A queue read from a moving head, so taking the oldest costs no
 * copy of the rest; the array is trimmed once the head has gone far enough.
 */
export class WaitingRuns {
  private runs: JobRun[] = [];
  private head = 0;

  add(run: JobRun): void {
    this.runs.push(run);
  }

  get size(): number {
    return this.runs.length - this.head;
  }

  /** The oldest waiting run, taken out; undefined when none waits. */
  take(): JobRun | undefined {
    if (this.head === this.runs.length) return undefined;
    const run = this.runs[this.head++];
    if (this.head === this.runs.length) {
      this.runs = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.runs = this.runs.slice(this.head);
      this.head = 0;
    }
    return run;
  }

  /** Every waiting run, oldest first, taken out. */
  takeAll(): JobRun[] {
    const left = this.runs.slice(this.head);
    this.runs = [];
    this.head = 0;
    return left;
  }
}
