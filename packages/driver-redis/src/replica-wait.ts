import { OutcomeUnknownError, ValidationError } from '@taskharbor/core';
import type { Cluster } from 'ioredis';
import type { RedisClient } from './lua/script.js';

/** `replicas`: how many replicas must have a write, and how long to wait for them, before a call resolves. */
export interface ReplicaAckOptions {
  /** Replicas that must acknowledge each state-changing script (WAIT numreplicas). At least 1. */
  count: number;
  /** How long to wait for them (WAIT timeout), in ms. At least 1: WAIT's 0 would block forever. */
  timeoutMs: number;
}

export function validateReplicaAck(value: unknown): ReplicaAckOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw new ValidationError('replicas', 'expected { count, timeoutMs }');
  const { count, timeoutMs } = value as Partial<ReplicaAckOptions>;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) {
    throw new ValidationError('replicas.count', `expected a whole number of replicas from 1, got ${String(count)}`);
  }
  if (typeof timeoutMs !== 'number' || !Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new ValidationError('replicas.timeoutMs', `expected whole milliseconds from 1, got ${String(timeoutMs)}`);
  }
  return { count, timeoutMs };
}

/**
 * The script ran on the master, but fewer replicas than `replicas.count`
 * acknowledged it within `replicas.timeoutMs`: if the master fails before
 * they catch up, a promoted replica may not have it. As for any unknown
 * outcome, nothing is resent; an enqueue can be repeated with the same
 * jobId (or idempotency key), and an unacknowledged ack leaves the lease to
 * decide.
 */
export class RedisReplicationTimeoutError extends OutcomeUnknownError {
  readonly replicasWanted: number;
  readonly replicasAcked: number;
  constructor(operation: string, wanted: number, acked: number, timeoutMs: number) {
    super(
      operation,
      `${operation}: written on the Redis master, but ${acked} of ${wanted} replicas acknowledged it within ${timeoutMs} ms; a failover before they catch up may lose it`,
    );
    this.name = 'RedisReplicationTimeoutError';
    this.replicasWanted = wanted;
    this.replicasAcked = acked;
  }
}

/**
 * Sends WAIT on the connection the script went out on, so it covers that
 * script (WAIT counts the replicas that have every earlier write of its
 * connection). On a Cluster that is the connection to the master of
 * `routeKey`'s slot: a pipeline of a read of that key and WAIT goes there.
 */
async function replicasAcking(client: RedisClient, routeKey: string, options: ReplicaAckOptions): Promise<number> {
  if (!client.isCluster) return (await client.wait(options.count, options.timeoutMs)) as number;
  const replies = await (client as Cluster).pipeline().exists(routeKey).wait(options.count, options.timeoutMs).exec();
  const [error, acked] = replies?.[1] ?? [new Error('WAIT got no reply'), 0];
  if (error) throw error;
  return acked as number;
}

/** Resolves once `options.count` replicas have the writes so far; else throws RedisReplicationTimeoutError. */
export async function awaitReplicas(client: RedisClient, routeKey: string, options: ReplicaAckOptions, operation: string): Promise<void> {
  const acked = await replicasAcking(client, routeKey, options);
  if (acked < options.count) throw new RedisReplicationTimeoutError(operation, options.count, acked, options.timeoutMs);
}
