/**
 * The JSON shapes the dashboard's API answers with. The browser code imports
 * these types too, so page and server cannot drift apart. Times are epoch
 * milliseconds, as everywhere in TaskHarbor.
 */

export type WireStatus = 'ready' | 'scheduled' | 'inflight' | 'done' | 'dlq' | 'cancelled';

/** The families of operations the page may show, as the driver declares them. */
export interface WireFamilies {
  jobControl: boolean;
  schedules: boolean;
  flowControl: boolean;
  observability: boolean;
}

/** GET api/session */
export interface SessionView {
  /** True when this request may change state (auth allowed it, readOnly is off, the driver has job control). */
  canAct: boolean;
  /** Why actions are off, for the banner; unset when canAct. */
  readOnlyReason?: string;
  /** Send it back as the x-taskharbor-csrf header on every POST (with the cookie this answer set). */
  csrfToken: string;
  families: WireFamilies;
  /** How often the page refreshes itself, in milliseconds. */
  refreshMs: number;
}

export interface QueueView {
  name: string;
  counts: Record<WireStatus, number>;
  /** Unset when the driver has no job control. */
  paused?: boolean;
  /** The queue's flow state; set only when the driver declares flow control. */
  flow?: QueueFlowView;
}

/** Concurrency and rate limits as core's FlowLimits holds them; an unset field is no limit. */
export interface WireFlowLimits {
  concurrency?: number;
  rate?: { max: number; perMs: number };
}

/** A queue's flow state (flow control): what core's flowState reads. */
export interface QueueFlowView {
  limits: WireFlowLimits;
  groupDefaults: WireFlowLimits;
  /** The end of the latest hold on the whole queue; it may lie in the past. */
  heldUntil?: number;
}

/** GET api/queues/:queue/groups/:group (flow control): what core's groupState reads. */
export interface GroupFlowView {
  group: string;
  overrides: WireFlowLimits;
  effective: WireFlowLimits;
  paused: boolean;
  inflight: number;
  /** The end of the latest hold on the group; it may lie in the past. */
  heldUntil?: number;
}

/** GET api/queues */
export interface QueuesView {
  queues: QueueView[];
}

/** A stored value as the page shows it: JSON text (pretty), or the bytes when they are not JSON. */
export type WireValue =
  | { kind: 'json'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; size: number; hex: string; truncated: boolean };

/** One row of a job list. */
export interface JobSummary {
  id: string;
  type: string;
  status: WireStatus;
  attempts: number;
  maxAttempts: number;
  createdAt: number;
  runAt?: number;
  finishedAt?: number;
  failedAt?: number;
  cancelledAt?: number;
  /** The last error, cut to a line's worth for the list. */
  lastError?: string;
}

/** GET api/queues/:queue/jobs */
export interface JobPageView {
  jobs: JobSummary[];
  nextCursor?: string;
}

/** GET api/queues/:queue/jobs/:id */
export interface JobDetailView {
  id: string;
  queue: string;
  type: string;
  status: WireStatus;
  attempts: number;
  maxAttempts: number;
  reclaims: number;
  createdAt: number;
  runAt?: number;
  timeoutMs?: number;
  idempotencyKey?: string;
  payload: WireValue;
  result?: WireValue;
  progress?: WireValue;
  lastError?: string;
  failedAt?: number;
  finishedAt?: number;
  dlqReason?: string;
  dlqFailedAt?: number;
  errors: { attempt: number; message: string; at: number }[];
  /** When the current lease runs out (in flight); the token itself is never shown. */
  leaseExpiresAt?: number;
  cancelRequestedAt?: number;
  cancelledAt?: number;
  cancelReason?: string;
  /** The schedule that made the job, and the tick it was made for (schedules family). */
  schedule?: string;
  scheduledFor?: number;
  /** The job's priority when it is not 0 (flow control; lower runs first). */
  priority?: number;
  /** The job's group (flow control). */
  group?: string;
  /** How many runs ended with ctx.snooze. */
  snoozes: number;
  /** The job's meta headers, such as a traceparent (observability); unset when it has none. */
  meta?: Record<string, string>;
  /** The actions the job's status allows (empty when the session cannot act). */
  actions: JobAction[];
}

export type JobAction = 'cancel' | 'remove' | 'promote' | 'requeue';

/** One schedule (schedules family), as GET api/schedules lists it. */
export interface ScheduleView {
  name: string;
  queue: string;
  type: string;
  cron?: string;
  everyMs?: number;
  timezone: string;
  paused: boolean;
  /** The pending tick; unset once the schedule has ended. */
  nextRunAt?: number;
  /** The latest tick that made a job. */
  lastRunAt?: number;
  runs: number;
  limit?: number;
  startAt?: number;
  endAt?: number;
  catchUp: string;
  createdAt: number;
  updatedAt: number;
}

/** GET api/schedules */
export interface SchedulesView {
  schedules: ScheduleView[];
  nextCursor?: string;
}

/** One live worker (observability), as GET api/workers lists it. */
export interface WorkerView {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  concurrency: number;
  /** Jobs it runs now. */
  running: number;
  startedAt: number;
  /** The @taskharbor/worker version it runs. */
  version: string;
  /** When it last refreshed its entry. */
  lastSeenAt: number;
  /** When the entry stops counting as live unless refreshed. */
  expiresAt: number;
}

/** GET api/workers (observability) */
export interface WorkersView {
  /** The server's time of the read, which decided who is live. */
  now: number;
  workers: WorkerView[];
}

/** One minute of a queue's outcomes. */
export interface MetricsPointView {
  /** The minute's start. */
  minute: number;
  completed: number;
  /** Failed runs (retried or dead-lettered). */
  failed: number;
  /** Of those, runs that dead-lettered their job. */
  dead: number;
}

/** GET api/queues/:queue/metrics (observability) */
export interface MetricsView {
  queue: string;
  /** The first minute's start. */
  from: number;
  /** The end of the last (current) minute. */
  to: number;
  /** One point per minute, oldest first, zeros included. */
  points: MetricsPointView[];
  totals: { completed: number; failed: number; dead: number };
}

/** Every error answer: `{ error: { code, message } }` with a 4xx or 5xx status. */
export interface ErrorView {
  error: { code: string; message: string };
}
