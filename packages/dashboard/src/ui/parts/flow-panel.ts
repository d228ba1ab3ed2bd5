import { useState } from 'preact/hooks';
import type { QueueFlowView } from '../../api/wire.js';
import { seg } from '../api.js';
import { html } from '../html.js';
import { useApp } from '../session-context.js';
import { describeLimits, LimitsForm } from './flow-limits.js';
import { GroupPanel } from './group-panel.js';
import { Time } from './time.js';

/**
 * The queue's flow control (shown only when the driver declares it): its
 * limits, the group defaults, a hold a handler asked for while it lasts,
 * and, for an operator who may act, forms that replace the limits.
 */
export interface FlowPanelProps {
  queue: string;
  flow: QueueFlowView;
  reload(): void;
  /** The group looked up, from the URL. */
  group: string | undefined;
  showGroup(group: string | undefined): void;
}

export function FlowPanel({ queue, flow, reload, group, showGroup }: FlowPanelProps) {
  const app = useApp();
  const [editing, setEditing] = useState(false);
  const base = `queues/${seg(queue)}`;
  const held = flow.heldUntil !== undefined && flow.heldUntil > Date.now();
  return html`<details class="flow" data-testid="flow" open>
    <summary>Flow control</summary>
    <table class="fields">
      <tbody>
        <tr><th>queue limits</th><td data-testid="queue-limits">${describeLimits(flow.limits)}</td></tr>
        <tr><th>each group</th><td data-testid="group-defaults">${describeLimits(flow.groupDefaults)}</td></tr>
        ${held ? html`<tr><th>held until</th><td data-testid="queue-held"><span class="badge paused">held</span> <${Time} ms=${flow.heldUntil} /></td></tr>` : ''}
      </tbody>
    </table>
    ${app.session.canAct
      ? editing
        ? html`<div class="flow-edit">
            <div class="toolbar"><span class="muted">queue:</span>
              <${LimitsForm} subject=${`queue ${queue}`} path=${`${base}/limits`} limits=${flow.limits} testid="queue-limits-form" onDone=${reload} /></div>
            <div class="toolbar"><span class="muted">each group:</span>
              <${LimitsForm} subject=${`the groups of ${queue}`} path=${`${base}/group-defaults`} limits=${flow.groupDefaults} testid="group-defaults-form" onDone=${reload} /></div>
            <button type="button" onClick=${() => setEditing(false)}>Done</button>
          </div>`
        : html`<button type="button" onClick=${() => setEditing(true)} data-testid="edit-limits">Change limits</button>`
      : ''}
    <h2>Groups</h2>
    <${GroupPanel} queue=${queue} group=${group} show=${showGroup} />
  </details>`;
}
