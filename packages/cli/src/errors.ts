import { ErrorCode, isTaskHarborError, ValidationError } from '@taskharbor/core';

/** The exit codes, documented in docs/cli.md. Scripts branch on them, so they never change meaning. */
export const ExitCode = {
  /** The command did what it was asked. */
  Ok: 0,
  /** It could not: an unknown job, an unreachable store, a job in the wrong state, a handler module that fails to load. */
  Failure: 1,
  /** The command line is wrong: an unknown flag, a malformed date, duration or JSON, a missing argument. */
  Usage: 2,
  /** `worker run` was forced to stop by a second Ctrl+C (running jobs were released). */
  Interrupted: 130,
} as const;

/** An error the CLI reports as one line, with its exit code and a stable code for --json output. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly code: string;
  constructor(message: string, exitCode: number, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.code = code;
  }
}

/** The command line itself is wrong (exit 2); nothing was done. */
export class UsageError extends CliError {
  /** The command whose help the message points to; unset for the top level. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message, ExitCode.Usage, 'USAGE');
    this.command = command;
  }
}

/** The command line was fine but the operation failed (exit 1). */
export class OperationalError extends CliError {
  constructor(message: string, code = 'FAILED', options?: { cause?: unknown }) {
    super(message, ExitCode.Failure, code, options);
  }
}

export interface ErrorReport {
  message: string;
  exitCode: number;
  code: string;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns anything thrown into what the user sees. Validation errors from core
 * come from what the user typed (a type with a space, a concurrency of 0), so
 * they are usage errors, except the one that says a job is in the wrong state
 * (field `status`), which is about the store, not the command line.
 */
export function reportFor(error: unknown): ErrorReport {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode, code: error.code };
  if (error instanceof ValidationError) {
    const exitCode = error.field === 'status' ? ExitCode.Failure : ExitCode.Usage;
    return { message: error.message, exitCode, code: error.code };
  }
  if (isTaskHarborError(error, ErrorCode.InvalidLeaseDuration)) {
    return { message: error.message, exitCode: ExitCode.Usage, code: error.code };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: message.split('\n')[0] ?? message, exitCode: ExitCode.Failure, code: codeOf(error) ?? 'ERROR' };
}
