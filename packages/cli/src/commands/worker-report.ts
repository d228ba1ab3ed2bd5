import type { Job } from '@taskharbor/core';
import type { Logger, Worker } from '@taskharbor/worker';
import { formatDurationMs } from '../args/duration.js';
import type { Style } from '../output/colour.js';
import type { Printer } from '../output/printer.js';
import { relativeTime } from '../output/time.js';
import type { WorkerTally } from '../status-line.js';

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** `19:04:05.123Z`: the time of day in UTC, short enough for every line and the same on every machine. */
function stamp(at: number): string {
  return `${new Date(at).toISOString().slice(11, 23)}Z`;
}

/**
 * What `worker run` tells the operator while it runs. Job lines (echo output,
 * retries, dead letters; completions and starts with --verbose) go to stdout
 * as text, or as one JSON document per line with --json, so the output can
 * be kept as a log or piped to jq. The counters feed the status line and the
 * summary at the end.
 */
export class WorkerReport {
  readonly tally: Omit<WorkerTally, 'running'> = { done: 0, retried: 0, dead: 0, cancelled: 0 };
  private readonly out: Printer;

  constructor(out: Printer) {
    this.out = out;
  }

  /** Finished runs so far (the status line's rate counts these). */
  get finished(): number {
    return this.tally.done + this.tally.retried + this.tally.dead + this.tally.cancelled;
  }

  private line(label: string, style: Style, text: string): void {
    const c = this.out.colours;
    this.out.line(`${c.dim(stamp(Date.now()))} ${style(label.padEnd(5))} ${text}`);
  }

  private event(event: string, fields: Record<string, unknown>): void {
    this.out.documentLine({ event, at: Date.now(), ...fields });
  }

  private jobText(job: Job<unknown>): string {
    return `${job.id} ${this.out.colours.bold(job.type)}`;
  }

  private jobFields(job: Job<unknown>): Record<string, unknown> {
    return { id: job.id, type: job.type, queue: job.queue, attempt: job.attempt, maxAttempts: job.maxAttempts };
  }

  /** The echo built-in: the job and its payload. */
  echo(job: Job<unknown>): void {
    if (this.out.json) {
      this.event('echo', { ...this.jobFields(job), payload: job.payload ?? null });
      return;
    }
    const payload = job.payload === undefined ? '(none)' : JSON.stringify(job.payload);
    this.line('echo', this.out.colours.cyan, `${this.jobText(job)} queue ${job.queue} attempt ${job.attempt}/${job.maxAttempts} payload ${payload}`);
  }

  attach(worker: Worker): void {
    const c = this.out.colours;
    const verbose = this.out.verbose;
    worker.on('active', ({ job }) => {
      if (!verbose) return;
      if (this.out.json) this.event('active', this.jobFields(job));
      else this.line('start', c.dim, `${this.jobText(job)} attempt ${job.attempt}/${job.maxAttempts}`);
    });
    worker.on('completed', ({ job, durationMs }) => {
      this.tally.done++;
      if (!verbose) return;
      if (this.out.json) this.event('completed', { ...this.jobFields(job), durationMs });
      else this.line('done', c.green, `${this.jobText(job)} in ${formatDurationMs(durationMs)}`);
    });
    worker.on('retrying', ({ job, error, attempts, runAt }) => {
      this.tally.retried++;
      if (this.out.json) {
        this.event('retrying', { ...this.jobFields(job), attempts, error: error.message, runAt: runAt ?? null });
        return;
      }
      const when = runAt === undefined ? 'now' : relativeTime(runAt, Date.now());
      this.line(
        'retry',
        c.yellow,
        `${this.jobText(job)} failed (attempt ${attempts}/${job.maxAttempts}): ${firstLine(error.message)}; runs again ${when}`,
      );
    });
    worker.on('dead', ({ job, reason, attempts }) => {
      this.tally.dead++;
      if (this.out.json) this.event('dead', { ...this.jobFields(job), attempts, reason });
      else this.line('dead', c.red, `${this.jobText(job)} dead-lettered: ${firstLine(reason)}`);
    });
    worker.on('cancelled', ({ job, durationMs }) => {
      this.tally.cancelled++;
      if (this.out.json) this.event('cancelled', { ...this.jobFields(job), durationMs });
      else this.line('cancel', c.magenta, `${this.jobText(job)} cancelled after ${formatDurationMs(durationMs)}; not retried`);
    });
    worker.on('progress', ({ job, progress }) => {
      if (!verbose) return;
      if (this.out.json) this.event('progress', { ...this.jobFields(job), progress: progress ?? null });
      else this.line('prog', c.dim, `${this.jobText(job)} ${JSON.stringify(progress) ?? String(progress)}`);
    });
    worker.on('leaseLost', ({ job, error, during }) => {
      if (this.out.json) this.event('leaseLost', { ...this.jobFields(job), during, error: error.message });
      else this.line('lost', c.yellow, `${this.jobText(job)} lease lost during ${during}: ${firstLine(error.message)}`);
    });
    worker.on('error', ({ error, during, jobId }) => {
      if (this.out.json) this.event('error', { during, jobId: jobId ?? null, error: error.message });
      else this.line('error', c.red, `during ${during}${jobId === undefined ? '' : ` (job ${jobId})`}: ${firstLine(error.message)}`);
    });
  }

  started(fields: Record<string, unknown>, text: string[]): void {
    if (this.out.json) this.event('started', fields);
    else for (const line of text) this.out.info(line);
  }

  stopped(forced: boolean, uptimeMs: number): void {
    if (this.out.json) {
      this.event('stopped', { forced, uptimeMs, ...this.tally });
      return;
    }
    const { done, retried, dead, cancelled } = this.tally;
    const cancelledText = cancelled === 0 ? '' : `, ${cancelled} cancelled`;
    this.out.info(
      `worker stopped${forced ? ' (forced: running jobs were aborted and released)' : ''} after ${formatDurationMs(uptimeMs)}: ${done} done, ${retried} retried, ${dead} dead-lettered${cancelledText}`,
    );
  }
}

/** With --verbose, the worker's own log lines, on stderr. */
export function verboseLogger(out: Printer): Logger {
  const write = (level: string) => (fields: Record<string, unknown>, message: string) => {
    const extra = Object.keys(fields).length === 0 ? '' : ` ${JSON.stringify(fields)}`;
    out.debug(`[worker ${level}] ${message}${extra}`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
