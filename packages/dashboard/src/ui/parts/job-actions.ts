import { useState } from 'preact/hooks';
import type { JobAction, JobDetailView } from '../../api/wire.js';
import { post, seg } from '../api.js';
import { html } from '../html.js';
import { href, navigate } from '../router.js';
import { ConfirmDialog } from './dialog.js';
import { useAction } from './use-action.js';

const LABEL: Record<JobAction, string> = { requeue: 'Retry (requeue)', promote: 'Run now (promote)', cancel: 'Cancel', remove: 'Remove' };

/** The buttons for the actions the job's status allows; cancel and remove ask first. */
export function JobActions({ job, reload }: { job: JobDetailView; reload(): void }) {
  const action = useAction();
  const [asking, setAsking] = useState<JobAction | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [reset, setReset] = useState(false);
  if (job.actions.length === 0) return null;
  const path = `queues/${seg(job.queue)}/jobs/${seg(job.id)}`;
  const perform = (which: JobAction) => {
    setAsking(undefined);
    if (which === 'cancel') {
      action.run(
        () => post<{ status: string }>(`${path}/cancel`, { reason: reason.trim() || undefined }),
        ({ status }) => (status === 'cancelled' ? `cancelled job ${job.id}` : `asked job ${job.id} to stop: its run is aborted and it ends cancelled`),
        reload,
      );
    } else if (which === 'remove') {
      action.run(() => post(`${path}/remove`), () => `removed job ${job.id}`, () => navigate(href(['queue', job.queue])));
    } else if (which === 'promote') {
      action.run(() => post(`${path}/promote`), () => `job ${job.id} is ready to run now`, reload);
    } else {
      action.run(() => post(`${path}/requeue`, { resetAttempts: reset }), () => `requeued job ${job.id}`, reload);
    }
  };
  const needsConfirm = (which: JobAction) => which === 'cancel' || which === 'remove' || which === 'requeue';
  return html`<div class="actions" data-testid="job-actions">
    ${job.actions.map(
      (which) => html`<button type="button" key=${which} class=${which === 'remove' || which === 'cancel' ? 'danger' : ''} disabled=${action.busy}
        data-testid=${`action-${which}`} onClick=${() => (needsConfirm(which) ? setAsking(which) : perform(which))}>${LABEL[which]}</button>`,
    )}
    ${asking === 'cancel'
      ? html`<${ConfirmDialog} title=${`Cancel job ${job.id}?`} confirmLabel="Cancel job" danger onConfirm=${() => perform('cancel')} onCancel=${() => setAsking(undefined)}>
          <p>${job.status === 'inflight' ? 'The job is running: its run is aborted and it ends cancelled.' : 'The job will never run.'}</p>
          <label>reason (optional) <input value=${reason} maxLength=${1000} onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} /></label>
        <//>`
      : ''}
    ${asking === 'remove'
      ? html`<${ConfirmDialog} title=${`Remove job ${job.id}?`} confirmLabel="Remove job" danger onConfirm=${() => perform('remove')} onCancel=${() => setAsking(undefined)}>
          <p>The job and its idempotency key are deleted for good.</p>
        <//>`
      : ''}
    ${asking === 'requeue'
      ? html`<${ConfirmDialog} title=${`Requeue job ${job.id}?`} confirmLabel="Requeue" onConfirm=${() => perform('requeue')} onCancel=${() => setAsking(undefined)}>
          <p>The job goes back to the end of the ready list.</p>
          <label><input type="checkbox" checked=${reset} onChange=${(e: Event) => setReset((e.target as HTMLInputElement).checked)} /> reset attempts to 0</label>
        <//>`
      : ''}
  </div>`;
}
