/**
 * Where the worker writes what it does. The shape is pino's call style
 * (`fields, message`), which console's methods accept as well, so both fit
 * without an adapter:
 *
 * @example
 * new Worker(driver, { logger: pino() });
 * new Worker(driver, { logger: console });
 */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** What a handler gets as `ctx.log`: the job's id, type, queue and attempt are added to every line. */
export interface JobLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Level = keyof Logger;

const LEVELS: readonly Level[] = ['debug', 'info', 'warn', 'error'];

/**
 * Whether per-job debug lines are worth building: not without a logger, and
 * not when it says (pino's `isLevelEnabled`) that debug is off. A busy
 * worker would otherwise make two field objects per job for nothing.
 */
export function debugEnabled(logger: Logger | undefined): boolean {
  if (logger === undefined || logger === silentLogger) return false;
  const probe = (logger as { isLevelEnabled?: unknown }).isLevelEnabled;
  if (typeof probe !== 'function') return true;
  try {
    return Boolean(probe.call(logger, 'debug'));
  } catch {
    return true;
  }
}

/** The default: the worker is quiet unless given a logger. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/**
 * Wraps a user's logger so that nothing it throws reaches the worker: a
 * broken log transport must not fail jobs or stop the loop. Methods are
 * called on the logger object because pino's need their `this`.
 */
export function guardLogger(logger: Logger): Logger {
  const guarded = {} as Logger;
  for (const level of LEVELS) {
    guarded[level] = (fields, message) => {
      try {
        logger[level](fields, message);
      } catch {
        // Deliberately dropped: there is nowhere safer left to report it.
      }
    };
  }
  return guarded;
}

/** A logger that stamps each line with the job it belongs to. */
export function jobLogger(logger: Logger, bindings: Record<string, unknown>): JobLogger {
  const bound = {} as JobLogger;
  for (const level of LEVELS) {
    bound[level] = (message, fields) => logger[level]({ ...bindings, ...fields }, message);
  }
  return bound;
}
