import { DriverClosedError, type ResolvedRetention } from '@taskharbor/core';
import { openSubscriberConnection } from './blocking-connection.js';
import { refreshSlotsAfterFailure } from './cluster-refresh.js';
import { withinCommandTimeout } from './command-timeout.js';
import { checkDataModel } from './data-model.js';
import { RedisOutcomeUnknownError } from './errors.js';
import type { KeySpace } from './keys.js';
import { type LeaseClock, nowArg } from './lease-clock.js';
import type { RedisClient } from './lua/script.js';
import { awaitReplicas, RedisReplicationTimeoutError, type ReplicaAckOptions } from './replica-wait.js';

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

/** The settings of one RedisDriver that its context applies. */
export interface ContextSettings {
  client: RedisClient;
  keys: KeySpace;
  retention: ResolvedRetention;
  leaseClock: LeaseClock;
  commandTimeoutMs: number;
  replicas: ReplicaAckOptions | undefined;
}

/** A reply from Redis itself (an error reply) rather than a lost or broken connection. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * The DriverContext of one RedisDriver: whether it is closed, its one
 * data-model check, and how every state-changing script is sent (command
 * timeout, replica acknowledgment, unknown outcomes). The driver's own
 * enqueue and reserve use it too.
 */
export class RedisDriverContext implements DriverContext {
  readonly client: RedisClient;
  readonly keys: KeySpace;
  readonly retention: ResolvedRetention;
  private readonly leaseClock: LeaseClock;
  private readonly commandTimeoutMs: number;
  private readonly replicas: ReplicaAckOptions | undefined;
  private modelChecked = false;
  private modelCheck: Promise<void> | undefined;
  private closed = false;

  constructor(settings: ContextSettings) {
    this.client = settings.client;
    this.keys = settings.keys;
    this.retention = settings.retention;
    this.leaseClock = settings.leaseClock;
    this.commandTimeoutMs = settings.commandTimeoutMs;
    this.replicas = settings.replicas;
  }

  assertOpen(operation: string): void {
    if (this.closed) throw new DriverClosedError(operation);
  }

  /** From now on every call fails with DriverClosedError, and a write cut short by the close says so. */
  markClosed(): void {
    this.closed = true;
  }

  /**
   * Makes sure the prefix holds this driver's data-model version, writing it
   * when the prefix is new. Runs once; a failure (Redis away) is retried on
   * the next call.
   */
  async prepare(): Promise<void> {
    if (this.modelChecked) return;
    this.modelCheck ??= checkDataModel(this.client, this.keys).then(
      () => {
        this.modelChecked = true;
      },
      (error: unknown) => {
        this.modelCheck = undefined;
        throw error;
      },
    );
    return this.modelCheck;
  }

  write<T>(operation: string, run: () => Promise<T>, queue: string): Promise<T> {
    return this.writeKey(operation, run, this.keys.queue(queue).ready);
  }

  /**
   * Runs a state-changing script. An error reply from Redis is passed on;
   * any other failure (a dropped connection, no reply within the command
   * timeout) leaves the outcome unknown and becomes a
   * RedisOutcomeUnknownError. Never retried here. With `replicas`, WAIT
   * follows on the master of `routeKey` (any key the script wrote).
   */
  async writeKey<T>(operation: string, run: () => Promise<T>, routeKey: string): Promise<T> {
    try {
      const result = await withinCommandTimeout(this.commandTimeoutMs, run());
      if (this.replicas !== undefined) {
        await withinCommandTimeout(this.commandTimeoutMs, awaitReplicas(this.client, routeKey, this.replicas, operation));
      }
      return result;
    } catch (error) {
      if (this.closed) throw new DriverClosedError(operation);
      if (isReplyError(error) || error instanceof RedisReplicationTimeoutError) throw error;
      refreshSlotsAfterFailure(this.client);
      throw new RedisOutcomeUnknownError(operation, error);
    }
  }

  scriptNow(now: number): string {
    return nowArg(this.leaseClock, now);
  }

  openConnection(): RedisClient {
    return openSubscriberConnection(this.client);
  }
}
