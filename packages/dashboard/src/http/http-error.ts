import { isTaskHarborError } from '@taskharbor/core';

/** An answer other than 200, with the code and message the JSON error body carries. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, 'BAD_REQUEST', message);
}

/** HTTP status for each TaskHarbor error an operation may raise on the operator's input. */
const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION: 400,
  JOB_NOT_FOUND: 404,
  SCHEDULE_NOT_FOUND: 404,
  INVALID_JOB_STATE: 409,
  UNSUPPORTED: 501,
  DRIVER_CLOSED: 503,
};

/**
 * The answer for an error thrown while serving. A TaskHarbor error the
 * operator can act on keeps its message; anything else is a store failure,
 * answered 502 with a generic message (the detail goes to the server's log,
 * not to the page).
 */
export function toHttpError(error: unknown): { error: HttpError; unexpected: boolean } {
  if (error instanceof HttpError) return { error, unexpected: false };
  if (isTaskHarborError(error)) {
    const status = STATUS_BY_CODE[error.code];
    if (status !== undefined) return { error: new HttpError(status, error.code, error.message), unexpected: false };
    return { error: new HttpError(502, error.code, error.message), unexpected: true };
  }
  return { error: new HttpError(502, 'STORE_ERROR', 'the job store failed to answer; see the server log'), unexpected: true };
}
