import { RedisDriver } from '@taskharbor/driver-redis';

/** The jobs this app enqueues, shared by the server and the worker so both are type-checked against it. */
export type Jobs = {
  'signup.welcome': { email: string; name?: string };
};

/** One queue for signup work, so `taskharbor --queue signups ...` shows only this app's jobs. */
export const SIGNUP_QUEUE = 'signups';

/**
 * Both processes connect the same way: REDIS_URL (or REDIS_ADDR), and a key
 * prefix of their own, so the demo never mixes with other data in that Redis.
 */
export function connectDriver(): Promise<RedisDriver> {
  return RedisDriver.connect({ keyPrefix: process.env.TASKHARBOR_PREFIX ?? 'http-app' });
}
