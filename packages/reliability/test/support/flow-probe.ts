/**
 * The shared counter behind the cross-process flow-control proofs. A `flow`
 * job's handler calls `enter(group)` first and `leave(group)` last: both run
 * inside the job's lease (after reserve handed it out, before its ack), so
 * the count `enter` returns never exceeds the jobs of that group the store
 * holds in flight. A count above a group's concurrency limit is therefore a
 * broken limit, never a measuring artefact. `seq` numbers every start across
 * all processes, in the order the counter saw them.
 */
export interface FlowProbe {
  enter(group: string): Promise<{ inflight: number; seq: number }>;
  leave(group: string): Promise<void>;
}

/** A flow job's payload. */
export interface FlowPayload {
  /** The job's group, as enqueued ('' for none): the probe counts by it. */
  group: string;
  /** How long the handler works, in ms. */
  workMs: number;
}
