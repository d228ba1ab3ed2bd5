import type { FlowLimits } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import { defineScript, type RedisClient, runScript } from './script.js';
import source from './set-flow-limits-1.lua';

export const setFlowLimitsScript = defineScript('set-flow-limits', 1, source);

/** Where limits go: the queue's own, the group defaults, or one group's override. */
export type LimitScope = { scope: 'queue' } | { scope: 'defaults' } | { scope: 'group'; group: string };

/** Stores validated limits (an unset field is stored as none). */
export async function runSetFlowLimits(client: RedisClient, keys: QueueKeys, target: LimitScope, limits: FlowLimits): Promise<void> {
  const args = [
    keys.base,
    target.scope,
    target.scope === 'group' ? target.group : '',
    limits.concurrency === undefined ? '' : String(limits.concurrency),
    limits.rate === undefined ? '' : String(limits.rate.max),
    limits.rate === undefined ? '' : String(limits.rate.perMs),
  ];
  await runScript(client, setFlowLimitsScript, [keys.flow], args, 'text');
}
