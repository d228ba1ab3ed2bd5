import type { ResolvedRetention } from '@taskharbor/core';
import type { KeySpace } from './keys.js';
import type { RedisClient } from './lua/script.js';

/** What the driver's operation modules (enqueue store, lease batches, admin reads, job control) need from the driver that owns them. */
export interface DriverContext {
  readonly client: RedisClient;
  readonly keys: KeySpace;
  readonly retention: ResolvedRetention;
  /** Throws DriverClosedError after close. */
  assertOpen(operation: string): void;
  /** The data-model check, once per driver. */
  prepare(): Promise<void>;
  /**
   * Runs a state-changing script on the queue's keys; an unknown outcome
   * (no reply, a timeout) becomes RedisOutcomeUnknownError, and with
   * replicated acknowledgment WAIT follows on the queue's master.
   */
  write<T>(operation: string, run: () => Promise<T>, queue: string): Promise<T>;
  /** As write, for a key outside any queue (WAIT follows on that key's master). */
  writeKey<T>(operation: string, run: () => Promise<T>, routeKey: string): Promise<T>;
  /** The `now` argument of a lease script (the leaseClock). */
  scriptNow(now: number): string;
  /** A new connection for the subscriber (client.duplicate(); see openSubscriberConnection). */
  openConnection(): RedisClient;
}
