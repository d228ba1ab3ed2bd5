import { useState } from 'preact/hooks';
import type { JobSummary } from '../../api/wire.js';
import { post, seg } from '../api.js';
import { html } from '../html.js';
import { ConfirmDialog } from '../parts/dialog.js';
import { TypeFilter } from '../parts/filters.js';
import { JobList } from '../parts/job-list.js';
import { PurgeButton } from '../parts/purge-button.js';
import { QueueHead, useQueue } from '../parts/queue-head.js';
import { formatCount } from '../parts/status.js';
import { useAction } from '../parts/use-action.js';
import type { Route } from '../router.js';
import { useApp } from '../session-context.js';

function RequeueOne({ queue, job, reload }: { queue: string; job: JobSummary; reload(): void }) {
  const action = useAction();
  return html`<button type="button" disabled=${action.busy} data-testid="requeue-one"
    onClick=${() => action.run(() => post(`queues/${seg(queue)}/jobs/${seg(job.id)}/requeue`), () => `requeued job ${job.id}`, reload)}>Requeue</button>`;
}

/** Dead-lettered jobs: requeue one, requeue all (optionally of one type), purge. */
export function DeadLetters({ queue, route }: { queue: string; route: Route }) {
  const app = useApp();
  const polled = useQueue(queue);
  const type = route.query.get('type') || undefined;
  const cursor = route.query.get('cursor') || undefined;
  const count = polled.data?.counts.dlq ?? 0;
  const action = useAction();
  const [asking, setAsking] = useState(false);
  const [reset, setReset] = useState(false);
  const requeueAll = () => {
    setAsking(false);
    action.run(
      () => post<{ moved: number }>(`queues/${seg(queue)}/dlq/requeue`, { type, limit: count, resetAttempts: reset }),
      ({ moved }) => `requeued ${formatCount(moved)} dead-lettered job${moved === 1 ? '' : 's'}`,
      polled.reload,
    );
  };
  return html`<section>
    <${QueueHead} queue=${queue} polled=${polled} title="dead letters" />
    <p class="muted">${formatCount(count)} dead-lettered job${count === 1 ? '' : 's'} in this queue.</p>
    <div class="toolbar">
      <${TypeFilter} parts=${['dlq', queue]} status=${undefined} type=${type} />
      ${app.session.canAct && count > 0
        ? html`<span>
            <button type="button" disabled=${action.busy} onClick=${() => setAsking(true)} data-testid="requeue-all">
              Requeue all${type ? ` of type ${type}` : ''}…
            </button>
            <${PurgeButton} queue=${queue} status="dlq" count=${count} type=${type} onDone=${polled.reload} />
          </span>`
        : ''}
    </div>
    ${asking
      ? html`<${ConfirmDialog} title=${`Requeue ${type ? 'up to ' : ''}${formatCount(count)} dead-lettered job${count === 1 ? '' : 's'}?`}
          confirmLabel=${`Requeue ${formatCount(count)}`} onConfirm=${requeueAll} onCancel=${() => setAsking(false)}>
          <p>${type ? `The dead-lettered jobs of type ${type} go` : 'They go'} back to the end of the ready list, oldest failure first.</p>
          <label><input type="checkbox" checked=${reset} onChange=${(e: Event) => setReset((e.target as HTMLInputElement).checked)} /> reset attempts to 0</label>
        <//>`
      : ''}
    <${JobList} queue=${queue} status="dlq" type=${type} cursor=${cursor} parts=${['dlq', queue]}
      rowExtra=${app.session.canAct ? (job: JobSummary, reload: () => void) => html`<${RequeueOne} queue=${queue} job=${job} reload=${reload} />` : undefined} />
  </section>`;
}
