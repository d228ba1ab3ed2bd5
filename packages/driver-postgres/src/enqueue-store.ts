import type { EnqueueResult, NewJobRecord } from '@taskharbor/core';
import type { Database } from './database.js';
import { answerRepeats, type EnqueueRow, enqueueParams, planEnqueue } from './enqueue-batch.js';
import type { WorkWaiters } from './work-waiters.js';

/** enqueue and enqueueMany after validation: one statement per call, then this driver's waiters of each queue that got a job are woken. */
export class EnqueueStore {
  constructor(
    private readonly db: Database,
    private readonly waiters: WorkWaiters,
  ) {}

  /** Stores the validated jobs; a job whose id or key its queue holds (or an earlier entry of the call) answers `existed: true`. */
  async store(operation: string, jobs: readonly NewJobRecord[], now: number): Promise<EnqueueResult[]> {
    const plan = planEnqueue(jobs);
    const rows = await this.db.write(operation, this.db.sql.enqueue, enqueueParams(jobs, plan.sent, now));
    const results: EnqueueResult[] = new Array(jobs.length);
    const woken = new Set<string>();
    for (const [position, index] of plan.sent.entries()) {
      const job = jobs[index] as NewJobRecord;
      const row = rows[position] as EnqueueRow;
      if (row.inserted) {
        results[index] = { id: job.id, existed: false };
        woken.add(job.queue);
      } else {
        results[index] = { id: row.existing_id ?? (await this.findExisting(job)), existed: true };
      }
    }
    answerRepeats(results, plan);
    for (const queue of woken) this.waiters.wake(queue);
    return results;
  }

  /** The job that won a concurrent insert of this id or key (committed after the enqueue statement began). */
  private async findExisting(job: NewJobRecord): Promise<string> {
    const [row] = await this.db.read(this.db.sql.findExisting, [job.queue, job.id, job.idempotencyKey ?? null]);
    return row?.id ?? job.id;
  }
}
