export type { Admin, ListPage, ListRequest, QueueCounts, RequeueOptions, RetentionOptions, StatusCounts } from './admin.js';
export type {
  CancelOptions,
  CancelResult,
  CancelSubscription,
  JobControl,
  PromoteOptions,
  PurgeOptions,
  PurgeStatus,
  RequeueManyOptions,
} from './job-control.js';
export {
  DRIVER_FAMILIES,
  declaresFamily,
  hasFlowControl,
  hasJobControl,
  hasSchedules,
  requireFlowControl,
  requireJobControl,
  requireSchedules,
  hasObservability,
  requireObservability,
} from './families.js';
export type {
  MetricsPoint,
  MetricsRange,
  Observability,
  RegisterWorkerOptions,
  WorkerEntry,
  WorkerInfo,
  WorkersRequest,
} from './observability.js';
export {
  metricsMinute,
  metricsMinutes,
  metricsSeries,
  normalizeMeta,
  validateMeta,
  validateMetricsRequest,
  validateRegisterWorker,
  validateWorkerId,
  validateWorkersRequest,
} from './validate-observability.js';
export type { FlowControl, FlowLimits, GroupFlowState, QueueFlowState, RateLimit } from './flow-control.js';
export {
  effectiveGroupLimits,
  normalizeFlowLimits,
  validateFlowLimits,
  validateHoldBackRequest,
  validateLimitsRequest,
  validateSnoozeRequest,
} from './validate-flow-control.js';
export type { Schedules } from './schedules.js';
export { CATCH_UP_POLICIES } from './schedule-types.js';
export type {
  AdvanceScheduleRequest,
  AdvanceScheduleResult,
  CatchUpPolicy,
  PutScheduleRequest,
  PutScheduleResult,
  ScheduleDefinition,
  ScheduleJobOptions,
  ScheduleListPage,
  ScheduleListRequest,
  ScheduleRecord,
  ScheduleResult,
  ScheduleSpec,
  TriggerScheduleOptions,
} from './schedule-types.js';
export { lastTicks, nextTick, validateCron, validateTimezone } from './schedule-cadence.js';
export type { Cadence } from './schedule-cadence.js';
export { buildScheduleSpec, scheduleRevision, validateScheduleSpec } from './schedule-definition.js';
export type { ScheduleDefaults } from './schedule-definition.js';
export {
  advanceRequest,
  mayBePendingOccurrence,
  occurrenceJob,
  occurrenceJobId,
  planAdvance,
  triggerJob,
  triggerJobId,
} from './schedule-plan.js';
export type { AdvancePlan, PendingState } from './schedule-plan.js';
export {
  validateAdvanceScheduleRequest,
  validatePutScheduleRequest,
  validateScheduleListRequest,
  validateScheduleRef,
  validateTriggerOptions,
} from './validate-schedules.js';
export type { DriverFamily, FamilyDeclaration } from './families.js';
export { DEFAULT_RETENTION } from './admin.js';
export { CancelListeners } from './cancel-listeners.js';
export { Client } from './client.js';
export type { WaitForOptions } from './wait-for.js';
export type { ClientOptions, EnqueueDraft, EnqueueHook, EnqueueManyEntry, EnqueueOptions, JobMap } from './client.js';
export { sleep, systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { encodePayload, jsonCodec } from './codec.js';
export type { Codec } from './codec.js';
export type {
  AckOptions,
  BatchOutcome,
  Driver,
  EnqueueResult,
  FailUpdate,
  ReserveRequest,
  ReserveResult,
  RetryUpdate,
  WaitForWorkRequest,
  WaitForWorkResult,
} from './driver.js';
export {
  DriverClosedError,
  ErrorCode,
  InvalidJobStateError,
  InvalidLeaseDurationError,
  isTaskHarborError,
  JobCancelledError,
  JobNotFoundError,
  JobNotInFlightError,
  LeaseExpiredError,
  LeaseMismatchError,
  OutcomeUnknownError,
  RateLimitedError,
  ScheduleNotFoundError,
  TaskHarborError,
  UnrecoverableError,
  UnsupportedOperationError,
  ValidationError,
  WaitTimeoutError,
} from './errors.js';
export { FINISHED_STATUSES, JOB_STATUSES } from './job.js';
export type { Job, JobErrorEntry, JobRecord, JobRef, JobStatus, Lease, LeaseState, NewJobRecord, ReservedJob } from './job.js';
export { JobIdGenerator, jobIdTime, newJobId } from './job-id.js';
export { fillRandom } from './random-pool.js';
export { toJob } from './job-view.js';
export {
  BULK_STEP_SIZE,
  CATCH_UP_ALL_LIMIT,
  DEFAULT_MAX_ATTEMPTS,
  MAX_SCHEDULE_NAME_LENGTH,
  MAX_SCHEDULE_PAGE,
  MIN_SCHEDULE_INTERVAL_MS,
  ERROR_HISTORY_SIZE,
  MAX_PROGRESS_BYTES,
  MAX_RESULT_BYTES,
  DEFAULT_MAX_RECLAIMS,
  DEFAULT_QUEUE,
  MAX_ERROR_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PAYLOAD_BYTES,
  MAX_TIME_MS,
  MAX_PRIORITY,
  MIN_PRIORITY,
  MAX_GROUP_NAME_LENGTH,
  MAX_CONCURRENCY_LIMIT,
  MAX_RATE_MAX,
  MAX_RATE_WINDOW_MS,
  MAX_META_BYTES,
  MAX_META_ENTRIES,
  MAX_META_KEY_LENGTH,
  MAX_WORKER_TTL_MS,
  MAX_WORKERS_LISTED,
  METRICS_BUCKET_MS,
  METRICS_RETENTION_MS,
  MIN_WORKER_TTL_MS,
} from './limits.js';
export { RetryPolicy } from './retry-policy.js';
export type { BackoffFunction, ExponentialOptions, RandomSource } from './retry-policy.js';
export {
  clipErrorText,
  validateCount,
  validateDuration,
  validateErrorText,
  validateGroupName,
  validateLease,
  validateLeaseMs,
  validateLimit,
  validateName,
  validateNewJobRecord,
  validateNow,
  validatePayloadBytes,
  validatePriority,
  validateScheduleName,
  validateTime,
} from './validate.js';
export { resolveRetention } from './retention.js';
export type { ResolvedRetention } from './retention.js';
export {
  MAX_LIST_LIMIT,
  validateArray,
  validateFailUpdate,
  validateJobRef,
  validateCancelOptions,
  validateListRequest,
  validateProgressJson,
  validatePurgeOptions,
  validateQueueName,
  validateRequeueManyOptions,
  validateRequeueOptions,
  validateResult,
  validateReserveRequest,
  validateRetryUpdate,
  validateWaitRequest,
} from './validate-requests.js';
