import type { Cluster } from 'ioredis';
import type { RedisClient } from './lua/script.js';

/**
 * Asks a Cluster client to read the slot map again after a command to a
 * node failed without a reply. With RESEND_SAFE_CLUSTER_OPTIONS
 * (retryDelayOnFailover 0) ioredis does not do so itself when a node's
 * connection closes; it would keep sending a dead master's slots to it
 * until its periodic refresh (every 5 s by default), long after a replica
 * took over. ioredis runs one refresh at a time; calls meanwhile join it.
 */
export function refreshSlotsAfterFailure(client: RedisClient): void {
  if (!client.isCluster) return;
  (client as Cluster).refreshSlotsCache();
}
