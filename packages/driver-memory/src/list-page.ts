import type { ListPage, ListRequest } from '@taskharbor/core';
import { compareIds, idBefore } from './id-order.js';
import { encodeListCursor } from './list-cursor.js';
import type { QueueState } from './queue-state.js';
import { type StoredJob, toRecord } from './stored-job.js';

/**
 * One page of a queue's jobs in ascending id order, after the id `after`.
 * Scans the queue's jobs once per page (O(n + k log k) for k jobs past the
 * cursor): an operator call, kept simple rather than paying for a sorted
 * index on every write.
 */
export function listPage(state: QueueState | undefined, request: ListRequest, after: string | undefined): ListPage {
  if (state === undefined) return { jobs: [] };
  const ids: string[] = [];
  for (const job of state.jobs.values()) {
    const statusMatches = request.status === undefined || job.status === request.status;
    const typeMatches = request.type === undefined || job.type === request.type;
    if (statusMatches && typeMatches && (after === undefined || idBefore(after, job.id))) ids.push(job.id);
  }
  ids.sort(compareIds);
  const page = ids.slice(0, request.limit);
  const jobs = page.map((id) => toRecord(state.jobs.get(id) as StoredJob));
  return ids.length > request.limit ? { jobs, nextCursor: encodeListCursor(page[page.length - 1] as string) } : { jobs };
}
