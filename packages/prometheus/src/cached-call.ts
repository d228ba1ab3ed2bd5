/** What a CachedCall holds: the last good value, and whether the last try failed. */
export interface CachedValue<T> {
  /** The value of the last call that succeeded; undefined until one has. */
  value: T | undefined;
  /** The last call failed (value, if any, is older). */
  failed: boolean;
}

/**
 * One async call behind a time cache: it runs at most once per `ttlMs`
 * (measured from when a call started), callers that come while it runs
 * share it, and a failure keeps the last good value. A failed call is
 * cached as long as a good one, so a failing source is not asked more often
 * than a healthy one.
 */
export class CachedCall<T> {
  private value: T | undefined;
  private failed = false;
  private startedAt: number | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly call: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The cached value, after a fresh call when the cache is older than ttlMs. Never rejects. */
  async get(): Promise<CachedValue<T>> {
    if (this.running === undefined && this.isStale()) this.running = this.refresh();
    if (this.running !== undefined) await this.running;
    return { value: this.value, failed: this.failed };
  }

  private isStale(): boolean {
    return this.startedAt === undefined || this.now() - this.startedAt >= this.ttlMs;
  }

  private async refresh(): Promise<void> {
    this.startedAt = this.now();
    try {
      this.value = await this.call();
      this.failed = false;
    } catch (error) {
      this.failed = true;
      try {
        this.onError(error);
      } catch {
        // A broken error hook must not break the scrape.
      }
    } finally {
      this.running = undefined;
    }
  }
}
