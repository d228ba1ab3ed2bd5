import { describe, expect, it } from 'vitest';
import {
  DriverClosedError,
  ErrorCode,
  InvalidLeaseDurationError,
  isTaskHarborError,
  JobNotFoundError,
  JobNotInFlightError,
  LeaseExpiredError,
  LeaseMismatchError,
  OutcomeUnknownError,
  ScheduleNotFoundError,
  TaskHarborError,
  UnrecoverableError,
  ValidationError,
} from '../src/index.js';

const samples = [
  [new LeaseMismatchError('j1'), LeaseMismatchError, 'LEASE_MISMATCH'],
  [new LeaseExpiredError('j1', 1000, 1200), LeaseExpiredError, 'LEASE_EXPIRED'],
  [new JobNotInFlightError('j1', 'ready'), JobNotInFlightError, 'JOB_NOT_IN_FLIGHT'],
  [new InvalidLeaseDurationError(0), InvalidLeaseDurationError, 'INVALID_LEASE_DURATION'],
  [new ValidationError('queue', 'must not be empty'), ValidationError, 'VALIDATION'],
  [new DriverClosedError('reserve'), DriverClosedError, 'DRIVER_CLOSED'],
  [new JobNotFoundError('default', 'j1'), JobNotFoundError, 'JOB_NOT_FOUND'],
  [new UnrecoverableError('bad input'), UnrecoverableError, 'UNRECOVERABLE'],
  [new OutcomeUnknownError('ack', 'no reply'), OutcomeUnknownError, 'OUTCOME_UNKNOWN'],
  [new ScheduleNotFoundError('nightly'), ScheduleNotFoundError, 'SCHEDULE_NOT_FOUND'],
] as const;

describe('errors', () => {
  it.each(samples)('%s_has_its_stable_code_and_class', (error, Class, code) => {
    expect(error.code).toBe(code);
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(TaskHarborError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(Class.name);
    expect(isTaskHarborError(error, code)).toBe(true);
  });

  it('instanceof_does_not_match_another_code', () => {
    expect(new LeaseMismatchError('j1')).not.toBeInstanceOf(LeaseExpiredError);
    expect(new ValidationError('x', 'y')).not.toBeInstanceOf(UnrecoverableError);
    expect(new Error('plain')).not.toBeInstanceOf(TaskHarborError);
    expect(isTaskHarborError({ code: 'VALIDATION' })).toBe(false);
  });

  it('instanceof_holds_for_an_error_from_another_copy_of_core', () => {
    // A copy of core loaded twice (ESM and CJS) has other class objects but
    // the same brand symbol; simulate that with a plain object carrying it.
    const foreign = Object.assign(new Error('from elsewhere'), { code: ErrorCode.LeaseExpired });
    Object.defineProperty(foreign, Symbol.for('taskharbor.error'), { value: true });
    expect(foreign).toBeInstanceOf(LeaseExpiredError);
    expect(foreign).not.toBeInstanceOf(LeaseMismatchError);
  });

  it('lease_expired_message_names_both_times', () => {
    const error = new LeaseExpiredError('01J', Date.UTC(2030, 0, 1, 12, 0, 2, 900), Date.UTC(2030, 0, 1, 12, 0, 3, 120));
    expect(error.message).toContain('12:00:03.120');
    expect(error.message).toContain('12:00:02.900');
    expect(error.message).toContain('01J');
  });
});
