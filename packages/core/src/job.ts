/** Where a job stands. A job is in exactly one of these at a time. */
export type JobStatus = 'ready' | 'scheduled' | 'inflight' | 'done' | 'dlq';

export const JOB_STATUSES: readonly JobStatus[] = ['ready', 'scheduled', 'inflight', 'done', 'dlq'];

/**
 * What a client hands to a driver's enqueue: a job that has been validated
 * and encoded but not stored yet. Every time is an integer epoch millisecond.
 */
export interface NewJobRecord {
  id: string;
  type: string;
  queue: string;
  /** The payload as the codec encoded it. Drivers store these bytes exactly. */
  payload: Uint8Array;
  /** When the job becomes runnable; unset means at once. */
  runAt?: number;
  /** How long one run may take before the worker aborts it; unset means no limit. */
  timeoutMs?: number;
  createdAt: number;
  /** How many runs are allowed before the job is dead-lettered. */
  maxAttempts: number;
  idempotencyKey?: string;
}

/** The lease part of a stored job: kept while in flight, and the last one kept once finished. */
export interface LeaseState {
  token: string;
  /** Unset once the job has finished: a finished job keeps only its last token. */
  expiresAt?: number;
}

/** The stored form of a job, as inspect and list show it. */
export interface JobRecord extends NewJobRecord {
  status: JobStatus;
  /** Recorded failures. */
  attempts: number;
  /** How many times an expired lease was taken back from a worker. */
  reclaims: number;
  lastError?: string;
  failedAt?: number;
  lease?: LeaseState;
  /** When the job was acked (status done). */
  finishedAt?: number;
  /** Why the job was dead-lettered (status dlq). */
  dlqReason?: string;
  /** When the job was dead-lettered (status dlq). */
  dlqFailedAt?: number;
}

/**
 * The proof that one caller holds a job for a while. Every later operation
 * on a reserved job presents it.
 */
export interface Lease {
  jobId: string;
  queue: string;
  token: string;
  expiresAt: number;
}

/** One job handed out by reserve, with its lease. */
export interface ReservedJob {
  job: JobRecord;
  lease: Lease;
}

/** The handler's view of a job: the payload decoded and the attempt numbered. */
export interface Job<Payload = unknown> {
  id: string;
  type: string;
  queue: string;
  payload: Payload;
  /** 1 on the first run, 2 after one recorded failure, and so on. */
  attempt: number;
  maxAttempts: number;
  createdAt: number;
  runAt?: number;
  timeoutMs?: number;
  reclaims: number;
  idempotencyKey?: string;
  lastError?: string;
}

/** Addresses a stored job for admin operations. */
export interface JobRef {
  queue: string;
  id: string;
}
