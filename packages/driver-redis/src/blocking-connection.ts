import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './lua/script.js';

/**
 * A connection of its own for waitForWork's BLPOP, made from the driver's
 * client. A BLPOP is meant to block for seconds, so an ioredis
 * `commandTimeout` set on the client is left off here: it would cut every
 * wait short and turn it into a reconnect loop. (The driver's own command
 * timeout applies only to the commands it sends on the main client.)
 */
export function openBlockingConnection(client: RedisClient): RedisClient {
  const connection = client.isCluster
    ? (client as Cluster).duplicate([], {
        redisOptions: { ...(client as Cluster).options.redisOptions, commandTimeout: undefined },
      })
    : (client as Redis).duplicate({ commandTimeout: undefined });
  connection.on('error', () => undefined);
  return connection;
}

/**
 * The subscriber connection of the push channel (cancel requests, finished
 * jobs), as openBlockingConnection, but a standalone one skips ioredis's
 * ready check: that is an INFO and the parse of its reply, about a quarter
 * of the CPU a worker's start spends on this connection, and it only holds
 * commands back while Redis loads its data set, when SUBSCRIBE and SELECT
 * are served anyway. A cluster keeps its check (the cluster's state).
 */
export function openSubscriberConnection(client: RedisClient): RedisClient {
  if (client.isCluster) return openBlockingConnection(client);
  const connection = (client as Redis).duplicate({ commandTimeout: undefined, enableReadyCheck: false });
  connection.on('error', () => undefined);
  return connection;
}
