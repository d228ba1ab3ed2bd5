import { validateName } from '@taskharbor/core';
import { DEFAULT_CONCURRENCY, DEFAULT_LEASE_MS, DEFAULT_SHUTDOWN_GRACE_MS, MAX_CONCURRENCY } from '@taskharbor/worker';
import { durationFlag, formatDurationMs } from '../args/duration.js';
import type { GlobalFlags } from '../args/global-flags.js';
import { integerFlag, numberFlag } from '../args/numbers.js';
import type { Args, OptionSpec } from '../args/parse.js';
import { BUILTIN_NAMES, type BuiltinName, isBuiltinName } from '../builtin-handlers.js';
import { UsageError } from '../errors.js';

export const WORKER_RUN_OPTIONS = {
  register: { type: 'string', multiple: true },
  handlers: { type: 'string' },
  queues: { type: 'string' },
  concurrency: { type: 'string' },
  prefetch: { type: 'string' },
  lease: { type: 'string' },
  heartbeat: { type: 'string' },
  grace: { type: 'string' },
  'backoff-base': { type: 'string' },
  'backoff-max': { type: 'string' },
  'backoff-factor': { type: 'string' },
  'backoff-jitter': { type: 'string' },
  'on-missing-handler': { type: 'string' },
} as const satisfies OptionSpec;

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
  factor: number;
  jitter: number;
}

export interface WorkerRunSettings {
  queues: string[];
  concurrency: number;
  /** Jobs held reserved beyond the running handlers (the worker's prefetch). */
  prefetch: number;
  leaseMs: number;
  heartbeatMs: number;
  graceMs: number;
  backoff: BackoffSettings;
  onMissingHandler: 'retry' | 'fail';
  /** job type → built-in, from --register. */
  builtins: Map<string, BuiltinName>;
  handlersPath?: string;
}

/** `--register type=builtin`, or just `--register echo` for a type named like its built-in. */
export function parseRegistrations(entries: readonly string[]): Map<string, BuiltinName> {
  const registrations = new Map<string, BuiltinName>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const type = at === -1 ? entry : entry.slice(0, at);
    const builtin = at === -1 ? entry : entry.slice(at + 1);
    if (!isBuiltinName(builtin)) {
      throw new UsageError(
        `--register ${entry}: ${JSON.stringify(builtin)} is not a built-in handler; the built-ins are ${BUILTIN_NAMES.join(', ')} (--handlers loads your own)`,
        'worker run',
      );
    }
    validateName('type', type);
    if (registrations.has(type)) throw new UsageError(`--register: job type ${JSON.stringify(type)} is registered twice`, 'worker run');
    registrations.set(type, builtin);
  }
  return registrations;
}

/** `--queues a,b`, in order of preference. */
function parseQueues(text: string): string[] {
  const queues = text.split(',').map((name) => name.trim());
  if (queues.some((name) => name === '')) throw new UsageError(`--queues: ${JSON.stringify(text)} has an empty queue name`, 'worker run');
  for (const name of queues) validateName('queue', name);
  return queues;
}

/** Reads and checks every flag before anything connects, so a typo costs nothing. */
export function readWorkerSettings(args: Args, flags: GlobalFlags): WorkerRunSettings {
  const queuesText = args.string('queues');
  if (queuesText !== undefined && flags.queueExplicit) {
    throw new UsageError('give --queue or --queues, not both', 'worker run');
  }
  const text = (name: string) => args.string(name);
  const leaseMs = text('lease') === undefined ? DEFAULT_LEASE_MS : durationFlag('lease', text('lease') as string, { min: 1 });
  const heartbeatText = text('heartbeat');
  // The worker's own default: a third of the lease, so two beats can fail before the lease is at risk.
  const heartbeatMs = heartbeatText === undefined ? Math.max(1, Math.floor(leaseMs / 3)) : durationFlag('heartbeat', heartbeatText, { min: 1 });
  if (heartbeatMs >= leaseMs) {
    throw new UsageError(
      `--heartbeat (${formatDurationMs(heartbeatMs)}) must be shorter than --lease (${formatDurationMs(leaseMs)}), or leases run out between beats`,
      'worker run',
    );
  }
  const onMissing = text('on-missing-handler') ?? 'retry';
  if (onMissing !== 'retry' && onMissing !== 'fail') {
    throw new UsageError(`--on-missing-handler: expected retry or fail, got ${JSON.stringify(onMissing)}`, 'worker run');
  }
  const backoff: BackoffSettings = {
    baseMs: text('backoff-base') === undefined ? 1000 : durationFlag('backoff-base', text('backoff-base') as string),
    maxMs: text('backoff-max') === undefined ? 3_600_000 : durationFlag('backoff-max', text('backoff-max') as string),
    factor: text('backoff-factor') === undefined ? 2 : numberFlag('backoff-factor', text('backoff-factor') as string, 1, 100),
    jitter: text('backoff-jitter') === undefined ? 0.5 : numberFlag('backoff-jitter', text('backoff-jitter') as string, 0, 1),
  };
  const concurrency = text('concurrency') === undefined ? DEFAULT_CONCURRENCY : integerFlag('concurrency', text('concurrency') as string, 1, MAX_CONCURRENCY);
  const prefetch = text('prefetch') === undefined ? 0 : integerFlag('prefetch', text('prefetch') as string, 0, MAX_CONCURRENCY - concurrency);
  const settings: WorkerRunSettings = {
    queues: queuesText === undefined ? [flags.queue] : parseQueues(queuesText),
    concurrency,
    prefetch,
    leaseMs,
    heartbeatMs,
    graceMs: text('grace') === undefined ? DEFAULT_SHUTDOWN_GRACE_MS : durationFlag('grace', text('grace') as string),
    backoff,
    onMissingHandler: onMissing,
    builtins: parseRegistrations(args.strings('register')),
  };
  const handlersPath = text('handlers');
  if (handlersPath !== undefined) settings.handlersPath = handlersPath;
  return settings;
}
