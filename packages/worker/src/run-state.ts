import type { Driver, FlowControl, Job, JobRecord, Lease, Schedules } from '@taskharbor/core';
import type { WorkerEvents } from './events.js';
import type { Handler, Middleware } from './handler.js';
import type { ResolvedOptions } from './options.js';

/** What a run needs from its worker. */
export interface RunDeps {
  driver: Driver;
  options: ResolvedOptions;
  emit: <Event extends keyof WorkerEvents>(event: Event, payload: WorkerEvents[Event]) => void;
  /** Whether anyone listens for the event: payloads of per-job events are only built then. */
  listening(event: keyof WorkerEvents): boolean;
  handlerFor(type: string): Handler | undefined;
  registeredTypes(): string[];
  middleware(): readonly Middleware[];
  /** Tells the idle wait about a retry this run scheduled, which no reserve has reported yet. */
  noteDue(at: number): void;
  /** Writes an ack (with the encoded result, if any); acks of jobs that finish together go out as one batch. */
  ack(lease: Lease, result?: Uint8Array): Promise<void>;
  /** The driver declares job control: results are stored and cancels can come. */
  jobControl: boolean;
  /** The driver, when it declares schedules: a reserved pending occurrence moves its schedule on before it runs. */
  schedules: Schedules | undefined;
  /** The driver, when it declares flow control: ctx.snooze and RateLimitedError put the job back without a failure. */
  flowControl: FlowControl | undefined;
}

/**
 * - running: the handler runs and the heartbeat renews the lease.
 * - writing: the outcome is being written (the handler settled, or timed out).
 * - finished: the outcome write ended, written or not.
 * - lost: the lease is someone else's; nothing will be written.
 * - released: shut down after the grace period; the job was given back.
 */
export type RunState = 'running' | 'writing' | 'finished' | 'lost' | 'released';

/**
 * A job run (JobRun, in run-job.ts) as the modules beside it see it: the
 * outcome writes, the cancel handling and progress.
 */
export interface Run {
  readonly record: JobRecord;
  readonly job: Job<unknown>;
  readonly lease: Lease;
  readonly deps: RunDeps;
  state: RunState;
  /** How long the handler ran, as the outcome's events and log lines give it. */
  readonly durationMs: number;
  /** The fields every log line of the job carries, and `extra`. */
  fields(extra?: Record<string, unknown>): Record<string, unknown>;
}
