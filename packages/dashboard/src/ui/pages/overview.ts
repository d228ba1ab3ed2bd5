import type { QueuesView } from '../../api/wire.js';
import { get } from '../api.js';
import { html } from '../html.js';
import type { QueueFlowView } from '../../api/wire.js';
import { describeLimits, hasLimits } from '../parts/flow-limits.js';
import { formatCount, STATUSES, STATUS_LABEL } from '../parts/status.js';
import { Updated } from '../parts/updated.js';
import { href } from '../router.js';
import { useApp } from '../session-context.js';
import { usePoll } from '../use-poll.js';

/** The overview's limits cell: the queue's limits, a mark for group limits, and a hold while it lasts. */
function LimitsCell({ flow }: { flow: QueueFlowView | undefined }) {
  if (flow === undefined) return html`<td></td>`;
  const own = hasLimits(flow.limits);
  const groups = hasLimits(flow.groupDefaults);
  const held = flow.heldUntil !== undefined && flow.heldUntil > Date.now();
  return html`<td data-testid="limits">
    ${own ? describeLimits(flow.limits) : groups ? '' : html`<span class="muted">none</span>`}
    ${groups ? html` <span class="badge" title=${`each group: ${describeLimits(flow.groupDefaults)}`}>groups limited</span>` : ''}
    ${held ? html` <span class="badge paused" data-testid="held">held</span>` : ''}
  </td>`;
}

/** Every queue with its counts by status, whether it is paused, and its limits (flow control). */
export function Overview() {
  const app = useApp();
  const polled = usePoll('overview', () => get<QueuesView>('queues'), app.session.refreshMs, app.refreshPaused);
  const queues = polled.data?.queues;
  const flowControl = app.session.families.flowControl;
  return html`<section>
    <header class="page-head">
      <h1>Queues</h1>
      <${Updated} polled=${polled} />
    </header>
    ${queues === undefined
      ? html`<p class="muted">${polled.error ? '' : 'Loading…'}</p>`
      : queues.length === 0
        ? html`<p class="muted">No queue holds or held a job yet.</p>`
        : html`<table class="grid" data-testid="queues">
            <thead>
              <tr>
                <th>queue</th>
                ${STATUSES.map((status) => html`<th class="num">${STATUS_LABEL[status]}</th>`)}
                ${flowControl ? html`<th>limits</th>` : ''}
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${queues.map(
                (queue) => html`<tr key=${queue.name} data-queue=${queue.name}>
                  <td><a href=${href(['queue', queue.name])}>${queue.name}</a></td>
                  ${STATUSES.map(
                    (status) => html`<td class="num">
                      <a href=${href(['queue', queue.name], { status })} data-testid=${`count-${status}`} class=${queue.counts[status] === 0 ? 'zero' : ''}
                        >${formatCount(queue.counts[status])}</a
                      >
                    </td>`,
                  )}
                  ${flowControl ? html`<${LimitsCell} flow=${queue.flow} />` : ''}
                  <td>${queue.paused ? html`<span class="badge paused" data-testid="paused">paused</span>` : ''}
                    ${queue.counts.dlq > 0 ? html` <a href=${href(['dlq', queue.name])}>dead letters</a>` : ''}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
  </section>`;
}
