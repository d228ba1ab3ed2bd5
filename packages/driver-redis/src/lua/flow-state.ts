import type { FlowLimits } from '@taskharbor/core';
import type { QueueKeys } from '../keys.js';
import source from './flow-state-1.lua';
import { defineScript, type RedisClient, runScript } from './script.js';

export const flowStateScript = defineScript('flow-state', 1, source);

/** What flow-state-1.lua read, parsed. */
export interface StoredFlowState {
  limits: FlowLimits;
  groupDefaults: FlowLimits;
  heldUntil?: number;
  group?: { overrides: FlowLimits; paused: boolean; inflight: number; heldUntil?: number };
}

type Field = string | null;

function limitsOf(c: Field, m: Field, p: Field): FlowLimits {
  const limits: FlowLimits = {};
  if (c !== null && c !== '') limits.concurrency = Number(c);
  if (m !== null && m !== '' && p !== null && p !== '') limits.rate = { max: Number(m), perMs: Number(p) };
  return limits;
}

/** Reads the queue's limits and hold, and with `group` that group's stored state. */
export async function runFlowState(client: RedisClient, keys: QueueKeys, group: string | undefined): Promise<StoredFlowState> {
  const reply = (await runScript(client, flowStateScript, [keys.flow], [keys.base, group ?? ''], 'text')) as (Field | number)[];
  const at = (i: number): Field => (reply[i] === null || reply[i] === undefined ? null : String(reply[i]));
  const state: StoredFlowState = { limits: limitsOf(at(1), at(2), at(3)), groupDefaults: limitsOf(at(4), at(5), at(6)) };
  const held = at(0);
  if (held !== null) state.heldUntil = Number(held);
  if (group !== undefined) {
    const [c = '', m = '', p = ''] = (at(7) ?? ',,').split(',');
    const groupState: NonNullable<StoredFlowState['group']> = {
      overrides: limitsOf(c, m, p),
      paused: Number(reply[8]) === 1,
      inflight: Number(at(9) ?? '0'),
    };
    const groupHeld = at(10);
    if (groupHeld !== null) groupState.heldUntil = Number(groupHeld);
    state.group = groupState;
  }
  return state;
}
