export { CommandTimeoutError, DEFAULT_COMMAND_TIMEOUT_MS } from './command-timeout.js';
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  RESEND_SAFE_CLUSTER_OPTIONS,
  RESEND_SAFE_REDIS_OPTIONS,
  resolveTarget,
} from './connection.js';
export type { RedisTarget, TargetOptions } from './connection.js';
export { RedisConnectError, RedisDataModelError, RedisOutcomeUnknownError } from './errors.js';
export { DATA_MODEL_VERSION } from './keys.js';
export type { QueueKeys } from './keys.js';
export type { LeaseClock } from './lease-clock.js';
export { RedisReplicationTimeoutError } from './replica-wait.js';
export type { ReplicaAckOptions } from './replica-wait.js';
export type { SentinelOptions } from './sentinel.js';
export type { RedisClientLike } from './client-like.js';
export type { RedisClient } from './lua/script.js';
export { DEFAULT_KEY_PREFIX } from './driver-options.js';
export { RedisDriver } from './redis-driver.js';
export type {
  RedisClusterConnectOptions,
  RedisConnectOptions,
  RedisDriverCommonOptions,
  RedisDriverOptions,
} from './driver-options.js';
