import type { MetricsPointView, MetricsView } from '../../api/wire.js';
import { get, seg } from '../api.js';
import { html } from '../html.js';
import { useApp } from '../session-context.js';
import { usePoll } from '../use-poll.js';
import { formatCount } from './status.js';
import { Time } from './time.js';

const WIDTH = 720;
const HEIGHT = 160;
const LEFT = 40;
const BOTTOM = 20;
const TOP = 8;

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function minuteLabel(point: MetricsPointView): string {
  const dead = point.dead > 0 ? ` (${formatCount(point.dead)} dead-lettered)` : '';
  return `${clock.format(new Date(point.minute))}: ${formatCount(point.completed)} completed, ${formatCount(point.failed)} failed${dead}`;
}

/**
 * Completed and failed runs per minute as stacked columns, drawn as plain
 * SVG. Each column's title gives its numbers on hover; the same numbers are
 * in the table under the chart, for screen readers and copying.
 */
function Chart({ metrics }: { metrics: MetricsView }) {
  const { points, totals } = metrics;
  const busiest = Math.max(0, ...points.map((point) => point.completed + point.failed));
  // The scale's top: the busiest minute, or 1 when every minute is empty.
  const peak = Math.max(1, busiest);
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const step = (WIDTH - LEFT) / Math.max(1, points.length);
  const barWidth = Math.max(1, step - 2);
  const y = (value: number) => (value / peak) * plotHeight;
  const first = points[0];
  const last = points[points.length - 1];
  return html`<svg class="chart" viewBox=${`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="throughput-title throughput-desc" data-testid="throughput-chart">
    <title id="throughput-title">Completed and failed runs per minute, last ${points.length} minutes</title>
    <desc id="throughput-desc">${formatCount(totals.completed)} completed and ${formatCount(totals.failed)} failed in all, at most ${formatCount(busiest)} in one minute. The table under the chart lists each minute in which a run ended.</desc>
    <line class="axis" x1=${LEFT} y1=${TOP + plotHeight} x2=${WIDTH} y2=${TOP + plotHeight} />
    <text class="axis-label" x=${LEFT - 6} y=${TOP + 10} text-anchor="end">${formatCount(peak)}</text>
    <text class="axis-label" x=${LEFT - 6} y=${TOP + plotHeight} text-anchor="end">0</text>
    ${first ? html`<text class="axis-label" x=${LEFT} y=${HEIGHT - 4}>${clock.format(new Date(first.minute))}</text>` : ''}
    ${last ? html`<text class="axis-label" x=${WIDTH} y=${HEIGHT - 4} text-anchor="end">${clock.format(new Date(last.minute))}</text>` : ''}
    ${points.map((point, i) => {
      const x = LEFT + i * step + 1;
      const completed = y(point.completed);
      const failed = y(point.failed);
      return html`<g key=${point.minute} data-minute=${point.minute}>
        <title>${minuteLabel(point)}</title>
        <rect class="hit" x=${x} y=${TOP} width=${barWidth} height=${plotHeight} />
        ${point.completed > 0 ? html`<rect class="bar-completed" x=${x} y=${TOP + plotHeight - completed} width=${barWidth} height=${completed} />` : ''}
        ${point.failed > 0 ? html`<rect class="bar-failed" x=${x} y=${TOP + plotHeight - completed - failed} width=${barWidth} height=${failed} />` : ''}
      </g>`;
    })}
  </svg>`;
}

/** The numbers of every minute in which a run ended, newest first. */
function NumbersTable({ points }: { points: readonly MetricsPointView[] }) {
  const busy = points.filter((point) => point.completed + point.failed > 0).reverse();
  return html`<details class="chart-numbers">
    <summary>Numbers per minute</summary>
    ${busy.length === 0
      ? html`<p class="muted">No run ended in these minutes.</p>`
      : html`<table class="grid" data-testid="metrics-table">
          <thead><tr><th>minute</th><th class="num">completed</th><th class="num">failed</th><th class="num">dead-lettered</th></tr></thead>
          <tbody>
            ${busy.map(
              (point) => html`<tr key=${point.minute} data-minute=${point.minute}>
                <td><${Time} ms=${point.minute} /></td>
                <td class="num" data-testid="completed">${formatCount(point.completed)}</td>
                <td class="num" data-testid="failed">${formatCount(point.failed)}</td>
                <td class="num" data-testid="dead">${formatCount(point.dead)}</td>
              </tr>`,
            )}
          </tbody>
        </table>`}
  </details>`;
}

/** The queue's throughput over the last hour (observability), refreshed with the page. */
export function ThroughputPanel({ queue }: { queue: string }) {
  const app = useApp();
  const polled = usePoll(`metrics:${queue}`, () => get<MetricsView>(`queues/${seg(queue)}/metrics`), app.session.refreshMs, app.refreshPaused);
  const metrics = polled.data;
  return html`<section class="throughput" data-testid="throughput" data-from=${metrics?.from} data-to=${metrics?.to}>
    <h2>Throughput, last hour</h2>
    ${metrics === undefined
      ? html`<p class=${polled.error ? 'error-text' : 'muted'}>${polled.error ? polled.error.message : 'Loading…'}</p>`
      : html`<p class="chart-legend">
            <span class="swatch swatch-completed"></span> completed <strong data-testid="total-completed">${formatCount(metrics.totals.completed)}</strong>
            <span class="swatch swatch-failed"></span> failed <strong data-testid="total-failed">${formatCount(metrics.totals.failed)}</strong>
            <span class="muted">(dead-lettered <span data-testid="total-dead">${formatCount(metrics.totals.dead)}</span>)</span>
          </p>
          <${Chart} metrics=${metrics} />
          <${NumbersTable} points=${metrics.points} />`}
  </section>`;
}
