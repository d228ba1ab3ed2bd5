import type { WorkersView } from '../../api/wire.js';
import { get } from '../api.js';
import { html } from '../html.js';
import { Time } from '../parts/time.js';
import { Updated } from '../parts/updated.js';
import { href } from '../router.js';
import { useApp } from '../session-context.js';
import { usePoll } from '../use-poll.js';

/** Every live worker: where it runs, its queues, how busy it is, and when it last checked in. */
export function WorkersPage() {
  const app = useApp();
  const polled = usePoll('workers', () => get<WorkersView>('workers'), app.session.refreshMs, app.refreshPaused);
  const workers = polled.data?.workers;
  return html`<section>
    <header class="page-head">
      <h1>Workers</h1>
      <${Updated} polled=${polled} />
    </header>
    ${workers === undefined
      ? html`<p class="muted">${polled.error ? '' : 'Loading…'}</p>`
      : workers.length === 0
        ? html`<p class="muted" data-testid="no-workers">No live workers. A worker registers when it starts and drops out when it closes or stops checking in.</p>`
        : html`<table class="grid" data-testid="workers">
            <thead>
              <tr><th>id</th><th>host</th><th class="num">pid</th><th>queues</th><th class="num">running</th><th>started</th><th>last seen</th><th>version</th></tr>
            </thead>
            <tbody>
              ${workers.map(
                (worker) => html`<tr key=${worker.id} data-worker=${worker.id}>
                  <td class="mono">${worker.id}</td>
                  <td>${worker.host}</td>
                  <td class="num">${worker.pid}</td>
                  <td data-testid="worker-queues">${worker.queues.map(
                    (queue, i) => html`${i > 0 ? ', ' : ''}<a key=${queue} href=${href(['queue', queue])}>${queue}</a>`,
                  )}</td>
                  <td class="num" data-testid="worker-running">${worker.running} / ${worker.concurrency}</td>
                  <td><${Time} ms=${worker.startedAt} /></td>
                  <td><${Time} ms=${worker.lastSeenAt} /></td>
                  <td class="mono">${worker.version}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
  </section>`;
}
