import type { QueueJob, QueueJobJson } from '@bull-board/api/dist/types.js';
import { type Admin, type JobControl, type JobRecord, jsonCodec } from '@taskharbor/core';
import { boardState } from './statuses.js';

type Store = Admin & Partial<JobControl>;

/** Stored bytes as the board shows them: the decoded JSON value, or the text, or hex when neither. */
function decoded(bytes: Uint8Array | undefined): unknown {
  if (bytes === undefined) return undefined;
  try {
    return jsonCodec.decode(bytes);
  } catch {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return `0x${Buffer.from(bytes.subarray(0, 4096)).toString('hex')}${bytes.length > 4096 ? '…' : ''}`;
    }
  }
}

/** Bull Board accepts a number, string, boolean or plain object as progress. */
function boardProgress(progress: unknown): QueueJobJson['progress'] {
  if (progress === undefined || progress === null) return 0;
  if (['number', 'string', 'boolean'].includes(typeof progress)) return progress as number | string | boolean;
  if (typeof progress === 'object' && !Array.isArray(progress)) return progress as object;
  return JSON.stringify(progress);
}

function unsupported(what: string): Error {
  return new Error(`${what} needs a TaskHarbor driver with job control`);
}

/**
 * One TaskHarbor job in Bull Board's job shape. Retry requeues a
 * dead-lettered job; promote, remove need job control, which every
 * TaskHarbor driver has.
 */
export class BoardJob implements QueueJob {
  readonly opts: { delay?: number; attempts: number; timeout?: number; jobId: string };

  constructor(
    private readonly store: Store,
    readonly record: JobRecord,
  ) {
    this.opts = { attempts: record.maxAttempts, jobId: record.id };
    if (record.runAt !== undefined && record.runAt > record.createdAt) this.opts.delay = record.runAt - record.createdAt;
    if (record.timeoutMs !== undefined) this.opts.timeout = record.timeoutMs;
  }

  private ref() {
    return { queue: this.record.queue, id: this.record.id };
  }

  async promote(): Promise<void> {
    if (this.store.promote === undefined) throw unsupported('promote');
    await this.store.promote(this.ref(), { now: Date.now() });
  }

  async remove(): Promise<void> {
    if (this.store.remove === undefined) throw unsupported('remove');
    await this.store.remove(this.ref());
  }

  async retry(): Promise<void> {
    if (this.record.status !== 'dlq') {
      throw new Error(`job ${this.record.id} is ${this.record.status}: TaskHarbor retries dead-lettered jobs only`);
    }
    await this.store.requeueDlq(this.ref(), { now: Date.now() });
  }

  async getState(): Promise<ReturnType<typeof boardState>> {
    return boardState(this.record.status);
  }

  toJSON(): QueueJobJson {
    const r = this.record;
    const finishedOn = r.finishedAt ?? r.dlqFailedAt ?? r.cancelledAt;
    const json: QueueJobJson = {
      id: r.id,
      name: r.type,
      progress: boardProgress(r.progress),
      attemptsMade: r.attempts,
      finishedOn: finishedOn ?? null,
      // TaskHarbor records no start time; the nearest it knows is when the job became runnable.
      processedOn: r.status === 'ready' || r.status === 'scheduled' ? null : (r.runAt ?? r.createdAt),
      timestamp: r.createdAt,
      failedReason: r.dlqReason ?? r.lastError ?? (r.status === 'cancelled' ? `cancelled${r.cancelReason ? `: ${r.cancelReason}` : ''}` : ''),
      // Newest last, as Bull keeps its stacktrace; the board shows it newest first.
      stacktrace: r.errors?.map((entry) => `attempt ${entry.attempt}: ${entry.message}`) ?? null,
      data: decoded(r.payload),
      returnvalue: decoded(r.result) ?? null,
      opts: this.opts,
    };
    if (this.opts.delay !== undefined) json.delay = this.opts.delay;
    return json;
  }
}
