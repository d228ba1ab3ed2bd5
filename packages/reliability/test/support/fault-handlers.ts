/**
 * What every fault-test worker process runs, whatever its driver: the job
 * handlers (`work`, `hold`, `stall-*`), the worker events it reports on
 * stdout (one JSON object per line), and a graceful close on SIGTERM. The
 * driver-specific processes (fault-worker.ts for Redis, fault-pg-worker.ts
 * for PostgreSQL) set up the driver and the start log, then call these.
 */
import { UnrecoverableError } from '@taskharbor/core';
import type { Worker } from '@taskharbor/worker';
import type { FlowPayload, FlowProbe } from './flow-probe.js';

export interface FaultHandlerSettings {
  workMinMs: number;
  workMaxMs: number;
  /** How long the `stall-*` handlers block the event loop on a job's first run. */
  stallMs?: number;
  /** `work` jobs throw on attempt 1 and succeed on attempt 2. */
  failFirstAttempt?: boolean;
}

/** Logs one handler start (the run's lease token) before the handler works. */
export type RecordStart = (job: { id: string; attempt: number; reclaims: number }, token: string) => Promise<void>;

/** `hold` jobs run until their signal aborts, or this long at most. */
const HOLD_MAX_MS = 60_000;

/**
 * Writes one event line to stdout. On Linux a write to a pipe is
 * synchronous, so a line written before a SIGKILL reaches the parent.
 */
export function out(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, at: Date.now(), ...event })}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function busyWait(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Blocks the event loop: no timer, heartbeat or reply is handled meanwhile.
  }
}

export function registerFaultHandlers(worker: Worker, settings: FaultHandlerSettings, recordStart: RecordStart): void {
  worker.register('work', async (job, ctx) => {
    await recordStart(job, ctx.lease.token);
    const span = settings.workMaxMs - settings.workMinMs;
    await sleep(settings.workMinMs + Math.floor(Math.random() * (span + 1)));
    if (settings.failFirstAttempt === true && job.attempt === 1) throw new Error('planned failure on attempt 1');
  });

  // Runs until aborted, and reports when the abort came (the machine's clock) and why.
  worker.register('hold', async (job, ctx) => {
    await recordStart(job, ctx.lease.token);
    const reason = await new Promise<unknown>((resolve) => {
      const { signal } = ctx;
      if (signal.aborted) return resolve(signal.reason);
      const timer = setTimeout(() => resolve(undefined), HOLD_MAX_MS);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve(signal.reason);
        },
        { once: true },
      );
    });
    if (reason === undefined) throw new Error(`hold job ran ${HOLD_MAX_MS} ms without being aborted`);
    out({ event: 'aborted', id: job.id, code: (reason as { code?: string }).code });
    throw reason;
  });

  const stall = (type: 'stall-ack' | 'stall-retry' | 'stall-fail') =>
    worker.register(type, async (job, ctx) => {
      await recordStart(job, ctx.lease.token);
      if (job.reclaims > 0) return; // the run that takes over succeeds at once
      out({ event: 'stalling', id: job.id, token: ctx.lease.token });
      busyWait(settings.stallMs ?? 800);
      out({ event: 'stallEnded', id: job.id });
      if (type === 'stall-retry') throw new Error('late failure: asks for a retry');
      if (type === 'stall-fail') throw new UnrecoverableError('late failure: asks for the dead-letter queue');
    });
  stall('stall-ack');
  stall('stall-retry');
  stall('stall-fail');
}

/**
 * `flow` jobs (the flow-control proofs): count the job in with the shared
 * probe, report a `flowStart` event with that count, the global start
 * number and the moment reserve handed the job out (the lease's expiry
 * minus its length: the reserve's own `now`), work, count it out.
 */
export function registerFlowHandler(worker: Worker, probe: FlowProbe, leaseMs: number): void {
  worker.register('flow', async (job, ctx) => {
    const reservedAt = ctx.lease.expiresAt - leaseMs;
    const { group, workMs } = job.payload as FlowPayload;
    const { inflight, seq } = await probe.enter(group);
    out({ event: 'flowStart', id: job.id, group, inflight, seq, reservedAt });
    try {
      await sleep(workMs);
    } finally {
      await probe.leave(group);
    }
  });
}

/** Reports the worker's events the tests read: lease losses, outcomes and errors. */
export function reportWorkerEvents(worker: Worker): void {
  worker.on('leaseLost', ({ job, lease, error, during }) => {
    out({ event: 'leaseLost', id: job.id, token: lease.token, during, code: (error as { code?: string }).code });
  });
  worker.on('completed', ({ job }) => out({ event: 'completed', id: job.id, queue: job.queue }));
  worker.on('cancelled', ({ job }) => out({ event: 'cancelled', id: job.id }));
  worker.on('retrying', ({ job }) => out({ event: 'retrying', id: job.id }));
  worker.on('dead', ({ job }) => out({ event: 'dead', id: job.id }));
  worker.on('error', ({ error, during, jobId }) => {
    out({ event: 'error', during, id: jobId, code: (error as { code?: string }).code, message: error.message });
  });
}

/** On SIGTERM: close the worker (2 s grace), then `closeRest` (driver, log), then exit 0. */
export function closeOnSigterm(worker: Worker, closeRest: () => Promise<void>): void {
  let closing = false;
  process.on('SIGTERM', () => {
    if (closing) return;
    closing = true;
    void (async () => {
      await worker.close({ graceMs: 2000 });
      await closeRest();
      process.exit(0);
    })();
  });
}

/** Runs a worker process's main; a failure is reported as a `fatal` event and exit 1. */
export function runWorkerProcess(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    out({ event: 'fatal', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
}
