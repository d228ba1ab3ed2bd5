import type { LeaseClock } from '../lease-clock.js';
import { bindAll, type BoundStatements } from '../sql/statements.js';
import { flowState } from './sql/flow-state.js';
import { groupState } from './sql/group-state.js';
import { holdBack } from './sql/hold-back.js';
import { setGroupDefaults } from './sql/set-group-defaults.js';
import { setGroupOverride } from './sql/set-group-override.js';
import { setGroupPaused } from './sql/set-group-paused.js';
import { setQueueLimits } from './sql/set-queue-limits.js';
import { snooze } from './sql/snooze.js';

const DEFINITIONS = {
  flowState,
  groupState,
  holdBack,
  setGroupDefaults,
  setGroupOverride,
  setGroupPaused,
  setQueueLimits,
  snooze,
};

/** Every statement of the flow-control family, bound to one schema. */
export type FlowStatements = BoundStatements<typeof DEFINITIONS>;

export function bindFlowStatements(schema: string, leaseClock: LeaseClock = 'caller'): FlowStatements {
  return bindAll(DEFINITIONS, schema, leaseClock);
}
