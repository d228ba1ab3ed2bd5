import type { WireStatus } from '../../api/wire.js';
import { html } from '../html.js';

export const STATUSES: readonly WireStatus[] = ['ready', 'scheduled', 'inflight', 'done', 'dlq', 'cancelled'];

export const STATUS_LABEL: Record<WireStatus, string> = {
  ready: 'ready',
  scheduled: 'scheduled',
  inflight: 'running',
  done: 'done',
  dlq: 'dead',
  cancelled: 'cancelled',
};

export function StatusBadge({ status }: { status: WireStatus }) {
  return html`<span class=${`badge status-${status}`}>${STATUS_LABEL[status]}</span>`;
}

export const formatCount = (n: number) => n.toLocaleString('en-US');
