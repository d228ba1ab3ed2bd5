export type { Admin, ListPage, ListRequest, RequeueOptions, RetentionOptions, StatusCounts } from './admin.js';
export { DEFAULT_RETENTION } from './admin.js';
export { Client } from './client.js';
export type { ClientOptions, EnqueueManyEntry, EnqueueOptions, JobMap } from './client.js';
export { sleep, systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { encodePayload, jsonCodec } from './codec.js';
export type { Codec } from './codec.js';
export type {
  BatchOutcome,
  Driver,
  EnqueueResult,
  FailUpdate,
  ReserveRequest,
  ReserveResult,
  RetryUpdate,
  WaitForWorkRequest,
} from './driver.js';
export {
  DriverClosedError,
  ErrorCode,
  InvalidLeaseDurationError,
  isTaskHarborError,
  JobNotFoundError,
  JobNotInFlightError,
  LeaseExpiredError,
  LeaseMismatchError,
  OutcomeUnknownError,
  TaskHarborError,
  UnrecoverableError,
  ValidationError,
} from './errors.js';
export { JOB_STATUSES } from './job.js';
export type { Job, JobRecord, JobRef, JobStatus, Lease, LeaseState, NewJobRecord, ReservedJob } from './job.js';
export { JobIdGenerator, newJobId } from './job-id.js';
export { toJob } from './job-view.js';
export {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_RECLAIMS,
  DEFAULT_QUEUE,
  MAX_ERROR_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PAYLOAD_BYTES,
  MAX_TIME_MS,
} from './limits.js';
export { RetryPolicy } from './retry-policy.js';
export type { BackoffFunction, ExponentialOptions, RandomSource } from './retry-policy.js';
export {
  clipErrorText,
  validateCount,
  validateDuration,
  validateErrorText,
  validateLease,
  validateLeaseMs,
  validateLimit,
  validateName,
  validateNewJobRecord,
  validateNow,
  validatePayloadBytes,
  validateTime,
} from './validate.js';
export { resolveRetention } from './retention.js';
export type { ResolvedRetention } from './retention.js';
export {
  MAX_LIST_LIMIT,
  validateArray,
  validateFailUpdate,
  validateJobRef,
  validateListRequest,
  validateRequeueOptions,
  validateReserveRequest,
  validateRetryUpdate,
  validateWaitRequest,
} from './validate-requests.js';
