import type { JobDetailView } from '../../api/wire.js';
import { ApiError, get, seg } from '../api.js';
import { html } from '../html.js';
import { JobActions } from '../parts/job-actions.js';
import { StatusBadge } from '../parts/status.js';
import { Time } from '../parts/time.js';
import { Updated } from '../parts/updated.js';
import { ValueView } from '../parts/value-view.js';
import { href } from '../router.js';
import { useApp } from '../session-context.js';
import { usePoll } from '../use-poll.js';

function Field({ label, children }: { label: string; children: unknown }) {
  return html`<tr><th>${label}</th><td>${children}</td></tr>`;
}

/** One job: its fields, payload, result, progress, errors, and the actions its status allows. */
export function JobPage({ queue, id }: { queue: string; id: string }) {
  const app = useApp();
  const polled = usePoll(`job:${queue}:${id}`, () => get<JobDetailView>(`queues/${seg(queue)}/jobs/${seg(id)}`), app.session.refreshMs, app.refreshPaused);
  const job = polled.data;
  const missing = polled.error instanceof ApiError && polled.error.status === 404;
  return html`<section>
    <header class="page-head">
      <h1><a href=${href([])}>Queues</a> / <a href=${href(['queue', queue])}>${queue}</a> / <span class="mono">${id}</span></h1>
      ${job ? html`<${StatusBadge} status=${job.status} />` : ''}
      ${missing ? '' : html`<${Updated} polled=${polled} />`}
    </header>
    ${missing
      ? html`<p class="error-text" data-testid="not-found">${polled.error?.message}</p>`
      : job === undefined
        ? html`<p class="muted">${polled.error ? '' : 'Loading…'}</p>`
        : html`<div>
            <${JobActions} job=${job} reload=${polled.reload} />
            <table class="fields" data-testid="fields">
              <tbody>
                <${Field} label="type">${job.type}<//>
                <${Field} label="attempts">${job.attempts} of ${job.maxAttempts}<//>
                <${Field} label="reclaims">${job.reclaims}<//>
                ${job.priority !== undefined ? html`<${Field} label="priority">${job.priority}<//>` : ''}
                ${job.group !== undefined ? html`<${Field} label="group"><a class="mono" href=${href(['queue', queue], { group: job.group })}>${job.group}</a><//>` : ''}
                ${job.snoozes > 0 ? html`<${Field} label="snoozes">${job.snoozes}<//>` : ''}
                <${Field} label="created"><${Time} ms=${job.createdAt} /><//>
                ${job.runAt !== undefined ? html`<${Field} label="run at"><${Time} ms=${job.runAt} /><//>` : ''}
                ${job.leaseExpiresAt !== undefined ? html`<${Field} label="lease until"><${Time} ms=${job.leaseExpiresAt} /><//>` : ''}
                ${job.finishedAt !== undefined ? html`<${Field} label="finished"><${Time} ms=${job.finishedAt} /><//>` : ''}
                ${job.failedAt !== undefined ? html`<${Field} label="last failure"><${Time} ms=${job.failedAt} /><//>` : ''}
                ${job.dlqFailedAt !== undefined ? html`<${Field} label="dead-lettered"><${Time} ms=${job.dlqFailedAt} /><//>` : ''}
                ${job.dlqReason !== undefined ? html`<${Field} label="dead-letter reason"><span class="error-text">${job.dlqReason}</span><//>` : ''}
                ${job.cancelRequestedAt !== undefined ? html`<${Field} label="cancel requested"><${Time} ms=${job.cancelRequestedAt} /><//>` : ''}
                ${job.cancelledAt !== undefined ? html`<${Field} label="cancelled"><${Time} ms=${job.cancelledAt} /><//>` : ''}
                ${job.cancelReason !== undefined ? html`<${Field} label="cancel reason">${job.cancelReason}<//>` : ''}
                ${job.schedule !== undefined ? html`<${Field} label="schedule"><span class="mono">${job.schedule}</span> for <${Time} ms=${job.scheduledFor} /><//>` : ''}
                ${job.timeoutMs !== undefined ? html`<${Field} label="timeout">${job.timeoutMs.toLocaleString('en-US')} ms<//>` : ''}
                ${job.idempotencyKey !== undefined ? html`<${Field} label="idempotency key"><span class="mono">${job.idempotencyKey}</span><//>` : ''}
              </tbody>
            </table>
            ${job.meta !== undefined
              ? html`<h2>Meta</h2>
                  <table class="fields" data-testid="meta">
                    <tbody>
                      ${Object.entries(job.meta).map(
                        ([key, value]) => html`<tr key=${key}><th class="mono">${key}</th><td><span class="mono meta-value">${value}</span></td></tr>`,
                      )}
                    </tbody>
                  </table>`
              : ''}
            <h2>Payload</h2>
            <${ValueView} value=${job.payload} testid="payload" />
            ${job.result ? html`<h2>Result</h2><${ValueView} value=${job.result} testid="result" />` : ''}
            ${job.progress ? html`<h2>Progress</h2><${ValueView} value=${job.progress} testid="progress" />` : ''}
            ${job.lastError !== undefined ? html`<h2>Last error</h2><pre class="value error-text" data-testid="last-error">${job.lastError}</pre>` : ''}
            ${job.errors.length > 0
              ? html`<h2>Error history</h2>
                  <table class="grid" data-testid="errors">
                    <thead><tr><th class="num">attempt</th><th>when</th><th>message</th></tr></thead>
                    <tbody>
                      ${job.errors.map(
                        (entry) => html`<tr key=${entry.attempt}>
                          <td class="num">${entry.attempt}</td>
                          <td><${Time} ms=${entry.at} /></td>
                          <td><pre class="inline-pre">${entry.message}</pre></td>
                        </tr>`,
                      )}
                    </tbody>
                  </table>`
              : ''}
          </div>`}
  </section>`;
}
