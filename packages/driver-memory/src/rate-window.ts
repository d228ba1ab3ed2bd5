/**
 * The starts of one queue or group under a rate limit, oldest first: a
 * sliding window that forgets a start once it is `perMs` old. Starts are
 * kept in an array with a moving head, compacted now and then, so recording
 * and trimming are O(1) amortized.
 */
export class RateWindow {
  private starts: number[] = [];
  private head = 0;

  get size(): number {
    return this.starts.length - this.head;
  }

  record(now: number): void {
    this.starts.push(now);
  }

  /** Forgets the starts that left the window (now - perMs, now]. */
  trim(now: number, perMs: number): void {
    const oldestKept = now - perMs;
    while (this.head < this.starts.length && (this.starts[this.head] as number) <= oldestKept) this.head++;
    if (this.head > 64 && this.head * 2 > this.starts.length) {
      this.starts = this.starts.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Undefined when another start fits at `now`; else the moment one will
   * (when enough starts have left the window). Trims as it goes.
   */
  blockedUntil(now: number, max: number, perMs: number): number | undefined {
    this.trim(now, perMs);
    const inWindow = this.size;
    if (inWindow < max) return undefined;
    // The window must lose inWindow - max + 1 starts; the last of them leaves at its time + perMs.
    return (this.starts[this.head + inWindow - max] as number) + perMs;
  }
}
