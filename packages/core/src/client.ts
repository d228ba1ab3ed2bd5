import { type Clock, systemClock } from './clock.js';
import { type Codec, encodePayload, jsonCodec } from './codec.js';
import type { Driver, EnqueueResult } from './driver.js';
import { ValidationError } from './errors.js';
import type { NewJobRecord } from './job.js';
import { newJobId } from './job-id.js';
import type { JobRecord, JobRef } from './job.js';
import { requireFlowControl, requireJobControl, requireObservability, requireSchedules } from './families.js';
import { normalizeMeta, validateMeta } from './validate-observability.js';
import { storeSchedule } from './schedule-client.js';
import { buildScheduleSpec } from './schedule-definition.js';
import type { ScheduleDefinition, ScheduleResult } from './schedule-types.js';
import { validateScheduleRef } from './validate-schedules.js';
import { type WaitForOptions, waitForJob } from './wait-for.js';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_QUEUE } from './limits.js';
import { validateCount, validateDuration, validateNewJobRecord, validateTime } from './validate.js';

/** A map from job type to payload type, e.g. `{ 'email.send': { to: string } }`. */
export type JobMap = Record<string, unknown>;

export interface EnqueueOptions {
  /** Default `default`. */
  queue?: string;
  /** When the job becomes runnable: a Date or an epoch millisecond. Not with delayMs. */
  runAt?: Date | number;
  /** Runnable this many milliseconds from now. Not with runAt. */
  delayMs?: number;
  /** How long one run may take; unset means no limit. */
  timeoutMs?: number;
  /** Runs allowed before the job is dead-lettered; default the client's (25). */
  maxAttempts?: number;
  /** Dedupes enqueue per (queue, key) for as long as the first job is kept. */
  idempotencyKey?: string;
  /** Use this id instead of a generated one, so a resent enqueue is a no-op. */
  jobId?: string;
  /**
   * Lower runs first, FIFO within one priority: an integer from
   * MIN_PRIORITY to MAX_PRIORITY, default 0. Needs a driver with flow control
   * for any value but 0.
   */
  priority?: number;
  /**
   * The job's group, such as a tenant id: reserve serves the groups of a
   * queue in turn, and group limits apply per group. Needs a driver with
   * flow control.
   */
  group?: string;
  /**
   * String headers carried unchanged to the handler (`job.meta`), such as a
   * W3C traceparent; limits in docs/observability.md. Needs a driver with
   * observability when not empty.
   */
  meta?: Record<string, string>;
}

/** What an enqueue hook sees of one job before it is validated and stored. */
export interface EnqueueDraft {
  readonly type: string;
  readonly queue: string;
  /** The job's meta so far (a copy of the enqueue option's, or `{}`): the hook may add, change or delete entries. */
  meta: Record<string, string>;
}

/**
 * Runs for every job a Client enqueues (enqueue and enqueueMany), in the
 * order given, before validation: how a tracing package puts the active
 * trace context into meta. A hook that throws fails that enqueue, with
 * nothing stored.
 */
export type EnqueueHook = (draft: EnqueueDraft) => void;

export interface ClientOptions {
  codec?: Codec;
  clock?: Clock;
  /** The queue used when an enqueue names none. Default `default`. */
  defaultQueue?: string;
  /** Default 25. */
  defaultMaxAttempts?: number;
  /** Hooks that may add meta to every job this client enqueues (see EnqueueHook). */
  enqueueHooks?: readonly EnqueueHook[];
}

/** One entry of enqueueMany. */
export type EnqueueManyEntry<Jobs extends JobMap> = {
  [Type in keyof Jobs & string]: { type: Type; payload: Jobs[Type]; options?: EnqueueOptions };
}[keyof Jobs & string];

/**
 * Enqueues jobs through a driver. Give it your map of job types to payload
 * types and every enqueue is checked at compile time.
 *
 * @example
 * type Jobs = { 'email.send': { to: string } };
 * const client = new Client<Jobs>(driver);
 * await client.enqueue('email.send', { to: 'a@b.c' }, { delayMs: 5000 });
 */
export class Client<Jobs extends JobMap = JobMap> {
  readonly driver: Driver;
  private readonly codec: Codec;
  private readonly clock: Clock;
  private readonly defaultQueue: string;
  private readonly defaultMaxAttempts: number;
  private readonly enqueueHooks: readonly EnqueueHook[];

  constructor(driver: Driver, options: ClientOptions = {}) {
    this.driver = driver;
    this.codec = options.codec ?? jsonCodec;
    this.clock = options.clock ?? systemClock;
    this.defaultQueue = options.defaultQueue ?? DEFAULT_QUEUE;
    this.defaultMaxAttempts = options.defaultMaxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    validateCount('defaultMaxAttempts', this.defaultMaxAttempts, 1);
    this.enqueueHooks = [...(options.enqueueHooks ?? [])];
    for (const hook of this.enqueueHooks) {
      if (typeof hook !== 'function') throw new ValidationError('enqueueHooks', 'expected functions');
    }
  }

  /** Validates, encodes and stores one job. Returns its id, and whether it already existed. */
  async enqueue<Type extends keyof Jobs & string>(
    type: Type,
    payload: Jobs[Type],
    options: EnqueueOptions = {},
  ): Promise<EnqueueResult> {
    const now = this.clock.now();
    return this.driver.enqueue(this.buildRecord(type, payload, options, now), now);
  }

  /** Like enqueue for many jobs; everything is validated before anything is stored. */
  async enqueueMany(entries: readonly EnqueueManyEntry<Jobs>[]): Promise<EnqueueResult[]> {
    const now = this.clock.now();
    const records = entries.map((entry) => this.buildRecord(entry.type, entry.payload, entry.options ?? {}, now));
    return this.driver.enqueueMany(records, now);
  }

  /**
   * Resolves with the job's record once it is done, dead-lettered or
   * cancelled, without polling in a loop: the driver wakes the wait. Rejects
   * with WaitTimeoutError after `timeoutMs`, with the signal's reason when it
   * aborts, with JobNotFoundError for an unknown job, and with
   * UnsupportedOperationError on a driver without job control.
   *
   * @example
   * const { id } = await client.enqueue('report.build', { month: '2026-11' });
   * const record = await client.waitFor({ queue: 'default', id }, { timeoutMs: 60_000 });
   * if (record.status === 'done') console.log(record.result);
   */
  async waitFor(ref: JobRef, options: WaitForOptions = {}): Promise<JobRecord> {
    const driver = requireJobControl(this.driver, 'waitFor');
    return waitForJob(driver, this.clock, ref, options);
  }

  /**
   * Creates or replaces the schedule `name`: from now on one job of
   * `definition.type` is enqueued for each tick, by whichever worker serves
   * its queue; no scheduler process is needed. Calling it again with the
   * same definition (every process at boot) changes nothing; a changed one
   * replaces the pending occurrence atomically. Throws ValidationError for
   * a bad definition (cron, time zone, both or neither of cron and everyMs,
   * everyMs below MIN_SCHEDULE_INTERVAL_MS, endAt before startAt), before
   * anything is stored, and UnsupportedOperationError on a driver without
   * schedules. See docs/schedules.md.
   *
   * @example
   * await client.schedule('cleanup', { everyMs: 5 * 60_000, type: 'sessions.prune' });
   * await client.schedule('nightly-report', { cron: '0 3 * * *', timezone: 'Europe/Berlin', type: 'report.build', payload: { kind: 'daily' } });
   */
  async schedule<Type extends keyof Jobs & string>(name: string, definition: ScheduleDefinition<Type, Jobs[Type]>): Promise<ScheduleResult> {
    const driver = requireSchedules(this.driver, 'schedule');
    const spec = buildScheduleSpec(name, definition, {
      codec: this.codec,
      queue: this.defaultQueue,
      maxAttempts: this.defaultMaxAttempts,
    });
    return storeSchedule(driver, spec, this.clock.now());
  }

  /** Removes the schedule and its pending occurrence (a run in progress finishes). False when there was no such schedule. */
  async unschedule(name: string): Promise<boolean> {
    const driver = requireSchedules(this.driver, 'unschedule');
    validateScheduleRef(name);
    return driver.removeSchedule(name);
  }

  /** Decodes a stored result (JobRecord.result) with this client's codec. */
  decodeResult<T = unknown>(record: JobRecord): T | undefined {
    return record.result === undefined ? undefined : (this.codec.decode(record.result) as T);
  }

  private buildRecord(type: string, payload: unknown, options: EnqueueOptions, now: number): NewJobRecord {
    if (options.runAt !== undefined && options.delayMs !== undefined) {
      throw new ValidationError('runAt', 'give runAt or delayMs, not both');
    }
    let runAt: number | undefined;
    if (options.runAt !== undefined) {
      runAt = options.runAt instanceof Date ? options.runAt.getTime() : options.runAt;
      validateTime('runAt', runAt);
    } else if (options.delayMs !== undefined) {
      if (typeof options.delayMs !== 'number' || !Number.isInteger(options.delayMs) || options.delayMs < 0) {
        throw new ValidationError('delayMs', `expected a non-negative integer, got ${String(options.delayMs)}`);
      }
      runAt = options.delayMs === 0 ? undefined : now + options.delayMs;
    }
    if (options.timeoutMs !== undefined) validateDuration('timeoutMs', options.timeoutMs);
    const record: NewJobRecord = {
      id: options.jobId ?? newJobId(now),
      type,
      queue: options.queue ?? this.defaultQueue,
      payload: encodePayload(this.codec, payload),
      createdAt: now,
      maxAttempts: options.maxAttempts ?? this.defaultMaxAttempts,
    };
    if (runAt !== undefined) record.runAt = runAt;
    if (options.timeoutMs !== undefined) record.timeoutMs = options.timeoutMs;
    if (options.idempotencyKey !== undefined) record.idempotencyKey = options.idempotencyKey;
    if (options.priority !== undefined && options.priority !== 0) record.priority = options.priority;
    if (options.group !== undefined) record.group = options.group;
    const meta = this.buildMeta(record, options.meta);
    if (meta !== undefined) record.meta = meta;
    validateNewJobRecord(record);
    if (record.priority !== undefined) requireFlowControl(this.driver, 'enqueue with a priority');
    if (record.group !== undefined) requireFlowControl(this.driver, 'enqueue with a group');
    if (record.meta !== undefined) requireObservability(this.driver, 'enqueue with meta');
    return record;
  }

  /** The option's meta after the hooks ran; undefined when empty. */
  private buildMeta(record: NewJobRecord, meta: Record<string, string> | undefined): Record<string, string> | undefined {
    if (meta !== undefined) validateMeta(meta, 'meta');
    if (this.enqueueHooks.length === 0) return normalizeMeta(meta);
    const draft: EnqueueDraft = { type: record.type, queue: record.queue, meta: { ...meta } };
    for (const hook of this.enqueueHooks) hook(draft);
    validateMeta(draft.meta, 'meta');
    return normalizeMeta(draft.meta);
  }
}
