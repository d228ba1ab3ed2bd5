import { type ResolvedRetention, resolveRetention, ValidationError, validateName } from '@taskharbor/core';
import { validateCommandTimeout } from './command-timeout.js';
import { DEFAULT_KEY_PREFIX, type RedisDriverCommonOptions, type RedisDriverOptions } from './driver-options.js';
import { type LeaseClock, validateLeaseClock } from './lease-clock.js';
import type { RedisClient } from './lua/script.js';
import { type ReplicaAckOptions, validateReplicaAck } from './replica-wait.js';

/** The methods a wrapped client must have (see RedisClientLike). */
const CLIENT_METHODS = ['call', 'sendCommand', 'duplicate', 'on', 'quit', 'disconnect'] as const;

/** Checks the options every way of making a RedisDriver shares; connect and connectCluster call it before opening a connection. */
export function checkCommonOptions(options: RedisDriverCommonOptions): RedisDriverCommonOptions {
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'expected an object');
  // Checked before connecting, so bad options never open a connection.
  if (options.keyPrefix !== undefined) validateName('keyPrefix', options.keyPrefix);
  resolveRetention(options.retention);
  validateLeaseClock(options.leaseClock);
  validateCommandTimeout(options.commandTimeoutMs);
  validateReplicaAck(options.replicas);
  return options;
}

/** The options of `new RedisDriver(...)`, checked, with their defaults filled in. */
export interface DriverSettings {
  client: RedisClient;
  keyPrefix: string;
  retention: ResolvedRetention;
  leaseClock: LeaseClock;
  commandTimeoutMs: number;
  replicas: ReplicaAckOptions | undefined;
}

/** Checks the options of `new RedisDriver(...)`, the client by shape (an ioredis 5 Redis or Cluster), and fills in the defaults. */
export function resolveDriverOptions(options: RedisDriverOptions): DriverSettings {
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'expected an object');
  const client = options.client as RedisClient;
  if (typeof client !== 'object' || client === null || CLIENT_METHODS.some((method) => typeof client[method] !== 'function')) {
    throw new ValidationError('client', 'expected an ioredis 5 Redis or Cluster client');
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  validateName('keyPrefix', keyPrefix);
  return {
    client,
    keyPrefix,
    retention: resolveRetention(options.retention),
    leaseClock: validateLeaseClock(options.leaseClock),
    commandTimeoutMs: validateCommandTimeout(options.commandTimeoutMs),
    replicas: validateReplicaAck(options.replicas),
  };
}
