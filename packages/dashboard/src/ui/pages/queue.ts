import type { WireStatus } from '../../api/wire.js';
import { html } from '../html.js';
import { JobList } from '../parts/job-list.js';
import { LookupForm, TypeFilter } from '../parts/filters.js';
import { FlowPanel } from '../parts/flow-panel.js';
import { PurgeButton } from '../parts/purge-button.js';
import { QueueHead, useQueue } from '../parts/queue-head.js';
import { ThroughputPanel } from '../parts/throughput-chart.js';
import { formatCount, STATUSES, STATUS_LABEL } from '../parts/status.js';
import { href, navigate, type Route } from '../router.js';
import { useApp } from '../session-context.js';

function statusFrom(route: Route): WireStatus | undefined {
  const value = route.query.get('status');
  return (STATUSES as readonly string[]).includes(value ?? '') ? (value as WireStatus) : undefined;
}

/** A queue's jobs by status, with paging, a type filter, look-up by id, pause and resume, purge, its flow control and its throughput chart. */
export function QueuePage({ queue, route }: { queue: string; route: Route }) {
  const app = useApp();
  const polled = useQueue(queue);
  const status = statusFrom(route);
  const type = route.query.get('type') || undefined;
  const cursor = route.query.get('cursor') || undefined;
  const group = route.query.get('group') || undefined;
  const counts = polled.data?.counts;
  const total = counts ? STATUSES.reduce((sum, s) => sum + counts[s], 0) : undefined;
  return html`<section>
    <${QueueHead} queue=${queue} polled=${polled} title="" />
    ${app.session.families.observability ? html`<${ThroughputPanel} queue=${queue} />` : ''}
    ${app.session.families.flowControl && polled.data?.flow
      ? html`<${FlowPanel} queue=${queue} flow=${polled.data.flow} reload=${polled.reload}
          group=${group} showGroup=${(shown: string | undefined) => navigate(href(['queue', queue], { status, type, cursor, group: shown }))} />`
      : ''}
    <nav class="tabs" data-testid="status-tabs">
      <a href=${href(['queue', queue], { type })} class=${status === undefined ? 'active' : ''}>all ${total === undefined ? '' : formatCount(total)}</a>
      ${STATUSES.map(
        (s) => html`<a href=${href(['queue', queue], { status: s, type })} class=${status === s ? 'active' : ''} data-testid=${`tab-${s}`}>
          ${STATUS_LABEL[s]} ${counts ? formatCount(counts[s]) : ''}
        </a>`,
      )}
    </nav>
    <div class="toolbar">
      <${TypeFilter} parts=${['queue', queue]} status=${status} type=${type} />
      <${LookupForm} queue=${queue} />
      ${app.session.canAct && counts
        ? html`<span class="purges">
            ${(['done', 'cancelled', 'dlq'] as const)
              .filter((s) => status === undefined || status === s)
              .map((s) => html`<${PurgeButton} key=${s} queue=${queue} status=${s} count=${counts[s]} type=${type} onDone=${polled.reload} />`)}
          </span>`
        : ''}
    </div>
    <${JobList} queue=${queue} status=${status} type=${type} cursor=${cursor} parts=${['queue', queue]} />
  </section>`;
}
