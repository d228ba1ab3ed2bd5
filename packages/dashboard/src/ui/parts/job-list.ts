import type { ComponentChildren } from 'preact';
import type { JobPageView, JobSummary, WireStatus } from '../../api/wire.js';
import { get, seg } from '../api.js';
import { html } from '../html.js';
import { href } from '../router.js';
import { useApp } from '../session-context.js';
import { usePoll } from '../use-poll.js';
import { Pager } from './pager.js';
import { StatusBadge } from './status.js';
import { Time } from './time.js';
import { Updated } from './updated.js';

export const PAGE_SIZE = 50;

export interface JobListProps {
  queue: string;
  status: WireStatus | undefined;
  type: string | undefined;
  cursor: string | undefined;
  /** The view's path, for the pager's links (['queue', q] or ['dlq', q]). */
  parts: string[];
  /** Extra cells at the end of each row (the dead-letter page's requeue button). */
  rowExtra?: (job: JobSummary, reload: () => void) => ComponentChildren;
}

function when(job: JobSummary): number {
  return job.cancelledAt ?? job.failedAt ?? job.finishedAt ?? job.runAt ?? job.createdAt;
}

/**
 * One page of a queue's jobs, read with the driver's cursor (never an
 * offset), refreshed in place: the rows are keyed by id, so a refresh
 * updates them without rebuilding the table.
 */
export function JobList({ queue, status, type, cursor, parts, rowExtra }: JobListProps) {
  const app = useApp();
  const key = JSON.stringify([queue, status, type, cursor]);
  const polled = usePoll(
    key,
    () => get<JobPageView>(`queues/${seg(queue)}/jobs`, { status, type, cursor, limit: PAGE_SIZE }),
    app.session.refreshMs,
    app.refreshPaused,
  );
  const page = polled.data;
  return html`<div>
    <${Updated} polled=${polled} />
    ${page === undefined
      ? html`<p class="muted">${polled.error ? '' : 'Loading…'}</p>`
      : page.jobs.length === 0
        ? html`<p class="muted" data-testid="no-jobs">No jobs here.</p>`
        : html`<table class="grid jobs" data-testid="jobs">
            <thead>
              <tr>
                <th>id</th><th>type</th><th>status</th><th class="num">attempts</th><th>when</th><th>last error</th>${rowExtra ? html`<th></th>` : ''}
              </tr>
            </thead>
            <tbody>
              ${page.jobs.map(
                (job) => html`<tr key=${job.id} data-job-id=${job.id}>
                  <td class="mono"><a href=${href(['job', queue, job.id])}>${job.id}</a></td>
                  <td>${job.type}</td>
                  <td><${StatusBadge} status=${job.status} /></td>
                  <td class="num">${job.attempts}/${job.maxAttempts}</td>
                  <td><${Time} ms=${when(job)} /></td>
                  <td class="error-cell">${job.lastError ?? ''}</td>
                  ${rowExtra ? html`<td>${rowExtra(job, polled.reload)}</td>` : ''}
                </tr>`,
              )}
            </tbody>
          </table>`}
    <${Pager} parts=${parts} filters=${{ status, type }} cursor=${cursor} nextCursor=${page?.nextCursor} />
  </div>`;
}
