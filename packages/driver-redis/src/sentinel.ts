import { ValidationError } from '@taskharbor/core';
import type { RedisOptions } from 'ioredis';

/** Where the Sentinels are and which master they watch, for `RedisDriver.connect({ sentinel })`. */
export interface SentinelOptions {
  /** Some or all of the Sentinels, e.g. `[{ host: '10.0.0.1', port: 26379 }]`; any one that answers will do. */
  sentinels: { host: string; port: number }[];
  /** The master's name in the Sentinels' configuration (`sentinel monitor <name> …`). */
  name: string;
  /** Credentials of the Sentinels themselves, when they require them (the data nodes' come from url or redisOptions). */
  sentinelUsername?: string;
  sentinelPassword?: string;
}

export function validateSentinel(value: unknown): SentinelOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw new ValidationError('sentinel', 'expected { sentinels, name }');
  const { sentinels, name } = value as Partial<SentinelOptions>;
  if (!Array.isArray(sentinels) || sentinels.length === 0) {
    throw new ValidationError('sentinel.sentinels', 'name at least one Sentinel as { host, port }');
  }
  for (const entry of sentinels) {
    const ok =
      typeof entry === 'object' &&
      entry !== null &&
      typeof entry.host === 'string' &&
      entry.host !== '' &&
      Number.isInteger(entry.port) &&
      entry.port > 0 &&
      entry.port < 65536;
    if (!ok) throw new ValidationError('sentinel.sentinels', `expected { host, port } entries, got ${JSON.stringify(entry)}`);
  }
  if (typeof name !== 'string' || name === '') throw new ValidationError('sentinel.name', 'expected the master name the Sentinels watch');
  return value as SentinelOptions;
}

/**
 * The ioredis settings for a master found through Sentinel. ioredis asks the
 * Sentinels for the master's address on every (re)connect; with
 * `failoverDetector` it also listens for `+switch-master` and moves to the
 * new master at once. A demoted master answers writes with READONLY: that
 * reply means the script did not run, and it makes the client reconnect
 * (through the Sentinels) without resending anything. Until the first PING
 * succeeded no Sentinel is retried, so a wrong address fails connect.
 */
export function sentinelSettings(sentinel: SentinelOptions, user: RedisOptions, connected: () => boolean): RedisOptions {
  const settings: RedisOptions = {
    sentinels: sentinel.sentinels.map(({ host, port }) => ({ host, port })),
    name: sentinel.name,
    failoverDetector: user.failoverDetector ?? true,
    reconnectOnError: user.reconnectOnError ?? ((error) => (error.message.startsWith('READONLY') ? 1 : false)),
    sentinelRetryStrategy: (times) => {
      if (!connected()) return null;
      return user.sentinelRetryStrategy ? user.sentinelRetryStrategy(times) : Math.min(50 * 2 ** Math.min(times, 6), 2000);
    },
  };
  if (sentinel.sentinelUsername !== undefined) settings.sentinelUsername = sentinel.sentinelUsername;
  if (sentinel.sentinelPassword !== undefined) settings.sentinelPassword = sentinel.sentinelPassword;
  return settings;
}

/** For messages: the Sentinels and the master name, no passwords. */
export function describeSentinel(sentinel: SentinelOptions): string {
  return `master "${sentinel.name}" via Sentinel ${sentinel.sentinels.map(({ host, port }) => `${host}:${port}`).join(',')}`;
}
