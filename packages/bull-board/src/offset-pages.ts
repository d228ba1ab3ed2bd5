import type { Admin, JobRecord, JobStatus } from '@taskharbor/core';

/** The most jobs one list call reads while walking to a deep offset. */
const WALK_STEP = 1000;
/** Cursors remembered per status. */
const MAX_REMEMBERED = 1000;
/** Remembered cursors are dropped after this long: as jobs change status, an old cursor's offset drifts. */
const REMEMBER_MS = 60_000;

/**
 * Bull Board asks for jobs by offset (start, end); TaskHarbor lists by
 * cursor. The cursor at each offset a page ended on is remembered for a
 * minute, so paging forward costs one list call per page; a jump to a page
 * not visited walks from the nearest remembered offset in steps of 1,000
 * jobs. Offsets are approximate while jobs change status, as in Bull.
 */
export class OffsetPages {
  private readonly cursors = new Map<string, { since: number; at: Map<number, string> }>();

  constructor(private readonly admin: Admin) {}

  async slice(queue: string, status: JobStatus | undefined, start: number, end: number): Promise<JobRecord[]> {
    const key = status ?? '*';
    let entry = this.cursors.get(key);
    if (entry === undefined || Date.now() - entry.since > REMEMBER_MS) {
      entry = { since: Date.now(), at: new Map() };
      this.cursors.set(key, entry);
    }
    const known = entry.at;
    let offset = 0;
    let cursor: string | undefined;
    for (const [at, remembered] of known) {
      if (at <= start && at > offset) {
        offset = at;
        cursor = remembered;
      }
    }
    const jobs: JobRecord[] = [];
    const wanted = end - start + 1;
    while (jobs.length < wanted) {
      const skipping = offset < start;
      const limit = skipping ? Math.min(WALK_STEP, start - offset) : Math.min(WALK_STEP, wanted - jobs.length);
      const request: Parameters<Admin['list']>[0] = { queue, limit };
      if (status !== undefined) request.status = status;
      if (cursor !== undefined) request.cursor = cursor;
      const page = await this.admin.list(request);
      if (!skipping) jobs.push(...page.jobs);
      offset += page.jobs.length;
      cursor = page.nextCursor;
      if (cursor === undefined) break;
      if (known.size < MAX_REMEMBERED) known.set(offset, cursor);
    }
    return jobs;
  }
}
