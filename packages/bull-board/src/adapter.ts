import { BaseAdapter } from '@bull-board/api/dist/queueAdapters/base.js';
import type {
  AppJobScheduler,
  JobCleanStatus,
  JobCounts,
  JobSchedulerUpdateResult,
  QueueAdapterOptions,
  QueueJob,
  QueueJobOptions,
  QueueMetrics,
  Status,
} from '@bull-board/api/dist/types.js';
import { type Admin, Client, type Driver, hasJobControl, type JobControl, type PurgeStatus } from '@taskharbor/core';
import { BoardJob } from './board-job.js';
import { OffsetPages } from './offset-pages.js';
import { BOARD_JOB_STATUSES, BOARD_STATUS, type BoardJobStatus } from './statuses.js';

export type TaskHarborAdapterOptions = Partial<Pick<QueueAdapterOptions, 'readOnlyMode' | 'allowRetries' | 'description' | 'displayName' | 'prefix'>>;

const CLEAN_STATUS: Record<JobCleanStatus, PurgeStatus | undefined> = {
  completed: 'done',
  failed: 'dlq',
  delayed: 'scheduled',
  wait: 'ready',
  active: undefined,
};

/** How many scheduled jobs promoteAll reads per step. */
const PROMOTE_STEP = 1000;

/**
 * One TaskHarbor queue as a Bull Board queue: counts, job lists and
 * detail, retry (requeue of dead letters), promote, remove, clean, pause and
 * resume. It reports itself as a BullMQ queue, the shape the board knows.
 *
 * @example
 * createBullBoard({ queues: [new TaskHarborAdapter(driver, 'emails')], serverAdapter });
 */
export class TaskHarborAdapter extends BaseAdapter {
  private readonly store: Driver & Admin & Partial<JobControl>;
  private readonly control: (Driver & Admin & JobControl) | undefined;
  private readonly pages: OffsetPages;

  constructor(
    driver: Driver & Admin,
    readonly queue: string,
    options: TaskHarborAdapterOptions = {},
  ) {
    const control = hasJobControl(driver) ? driver : undefined;
    super('bullmq', { ...options, readOnlyMode: options.readOnlyMode === true || control === undefined, allowCompletedRetries: false });
    this.store = driver;
    this.control = control;
    this.pages = new OffsetPages(driver);
  }

  private needControl(what: string): Driver & Admin & JobControl {
    if (this.control === undefined) throw new Error(`${what} needs a TaskHarbor driver with job control`);
    return this.control;
  }

  getName(): string {
    return `${this.prefix}${this.queue}`;
  }

  getStatuses(): Status[] {
    return ['latest', ...BOARD_JOB_STATUSES];
  }

  getJobStatuses(): BoardJobStatus[] {
    return [...BOARD_JOB_STATUSES];
  }

  async getJobCounts(): Promise<JobCounts> {
    const counts = await this.store.counts(this.queue);
    const result: Record<string, number> = { paused: 0, prioritized: 0, 'waiting-children': 0 };
    for (const status of BOARD_JOB_STATUSES) result[status] = counts[BOARD_STATUS[status]];
    return result as JobCounts;
  }

  async getJobs(jobStatuses: BoardJobStatus[], start = 0, end = 9): Promise<QueueJob[]> {
    const [only] = jobStatuses;
    // One status: that list. Several (the board's "latest" view): every status, first page only.
    const status = jobStatuses.length === 1 && only !== undefined ? BOARD_STATUS[only] : undefined;
    const records = await this.pages.slice(this.queue, status, status === undefined ? 0 : start, status === undefined ? end - start : end);
    return records.map((record) => new BoardJob(this.store, record));
  }

  async getJob(id: string): Promise<QueueJob | undefined> {
    const record = await this.store.inspect({ queue: this.queue, id });
    return record === undefined ? undefined : new BoardJob(this.store, record);
  }

  async addJob(name: string, data: unknown, options: QueueJobOptions): Promise<QueueJob> {
    const enqueue: Parameters<Client['enqueue']>[2] = { queue: this.queue };
    if (options.delay !== undefined && options.delay > 0) enqueue.delayMs = options.delay;
    if (options.attempts !== undefined) enqueue.maxAttempts = options.attempts;
    const { id } = await new Client(this.store).enqueue(name, data, enqueue);
    return (await this.getJob(id)) as QueueJob;
  }

  async getJobLogs(): Promise<string[]> {
    return [];
  }

  async getMetrics(): Promise<QueueMetrics> {
    return { meta: { count: 0, prevTS: 0, prevCount: 0 }, data: [], count: 0 };
  }

  /** The Redis server's INFO when the driver is the Redis driver, else null (the board then shows no server panel). */
  async getRedisInfo(): Promise<string | null> {
    const client = (this.store as { client?: { info?: () => Promise<string> } }).client;
    return typeof client?.info === 'function' ? client.info() : null;
  }

  async isPaused(): Promise<boolean> {
    return (await this.store.counts(this.queue)).paused === true;
  }

  async pause(): Promise<void> {
    await this.needControl('pause').pause(this.queue);
  }

  async resume(): Promise<void> {
    await this.needControl('resume').resume(this.queue);
  }

  /** Removes the jobs of one status that reached it more than graceTimeMs ago (in bounded steps). */
  async clean(queueStatus: JobCleanStatus, graceTimeMs: number): Promise<void> {
    const status = CLEAN_STATUS[queueStatus];
    if (status === undefined) throw new Error('running jobs cannot be cleaned: cancel them first');
    // A grace of 0 means every such job, including one that reached its status this millisecond.
    const options: Parameters<JobControl['purge']>[1] = graceTimeMs > 0 ? { status, olderThanMs: graceTimeMs, now: Date.now() } : { status };
    await this.needControl('clean').purge(this.queue, options);
  }

  /** Removes every waiting and delayed job, as BullMQ's empty does. */
  async empty(): Promise<void> {
    const control = this.needControl('empty');
    await control.purge(this.queue, { status: 'ready' });
    await control.purge(this.queue, { status: 'scheduled' });
  }

  async obliterate(): Promise<void> {
    throw new Error('TaskHarbor queues cannot be obliterated from Bull Board; purge them by status instead');
  }

  /** Makes every scheduled job ready now, a page at a time. */
  async promoteAll(): Promise<void> {
    const control = this.needControl('promote');
    for (;;) {
      const { jobs } = await control.list({ queue: this.queue, status: 'scheduled', limit: PROMOTE_STEP });
      if (jobs.length === 0) return;
      const now = Date.now();
      for (const job of jobs) await control.promote({ queue: this.queue, id: job.id }, { now }).catch(() => undefined);
      if (jobs.length < PROMOTE_STEP) return;
    }
  }

  async getJobSchedulers(): Promise<Omit<AppJobScheduler, 'queueName'>[]> {
    return [];
  }

  async getJobSchedulersCount(): Promise<number> {
    return 0;
  }

  async removeJobScheduler(): Promise<boolean> {
    return false;
  }

  async updateJobScheduler(): Promise<JobSchedulerUpdateResult> {
    return 'not-found';
  }

  /** TaskHarbor schedules are not shown in Bull Board (the board never asks: supportsJobSchedulerRun is false). */
  async runJobSchedulerNow(): Promise<'not-found'> {
    return 'not-found';
  }

  async getGlobalConcurrency(): Promise<number | null> {
    return null;
  }

  async setGlobalConcurrency(): Promise<void> {
    throw new Error('TaskHarbor queue limits are not set from Bull Board');
  }
}
