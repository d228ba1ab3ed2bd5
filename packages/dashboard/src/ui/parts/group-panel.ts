import { useEffect, useState } from 'preact/hooks';
import type { GroupFlowView } from '../../api/wire.js';
import { get, post, seg } from '../api.js';
import { html } from '../html.js';
import { useApp } from '../session-context.js';
import { usePoll } from '../use-poll.js';
import { describeLimits, LimitsForm } from './flow-limits.js';
import { Time } from './time.js';
import { useAction } from './use-action.js';

function GroupState({ queue, group }: { queue: string; group: string }) {
  const app = useApp();
  const action = useAction();
  const path = `queues/${seg(queue)}/groups/${seg(group)}`;
  const polled = usePoll(`group:${queue}:${group}`, () => get<GroupFlowView>(path), app.session.refreshMs, app.refreshPaused);
  const state = polled.data;
  if (state === undefined) return html`<p class=${polled.error ? 'error-text' : 'muted'}>${polled.error?.message ?? 'Loading…'}</p>`;
  const toggle = () =>
    action.run(
      () => post(`${path}/${state.paused ? 'resume' : 'pause'}`),
      () => (state.paused ? `resumed group ${group}` : `paused group ${group}: its jobs are not handed out`),
      polled.reload,
    );
  return html`<div data-testid="group-state">
    <table class="fields">
      <tbody>
        <tr><th>group</th><td class="mono">${state.group} ${state.paused ? html`<span class="badge paused" data-testid="group-paused">paused</span>` : ''}</td></tr>
        <tr><th>in flight</th><td data-testid="group-inflight">${state.inflight}</td></tr>
        <tr><th>limits</th><td data-testid="group-effective">${describeLimits(state.effective)}</td></tr>
        <tr><th>override</th><td>${describeLimits(state.overrides)}</td></tr>
        ${state.heldUntil !== undefined && state.heldUntil > Date.now() ? html`<tr><th>held until</th><td data-testid="group-held"><${Time} ms=${state.heldUntil} /></td></tr>` : ''}
      </tbody>
    </table>
    ${app.session.canAct
      ? html`<div class="toolbar">
          <button type="button" onClick=${toggle} disabled=${action.busy} data-testid=${state.paused ? 'resume-group' : 'pause-group'}>
            ${state.paused ? 'Resume group' : 'Pause group'}
          </button>
          <span class="muted">override:</span>
          <${LimitsForm} key=${group} subject=${`group ${group}`} path=${`${path}/limits`} limits=${state.overrides} testid="group-limits" onDone=${polled.reload} />
        </div>`
      : ''}
  </div>`;
}

/**
 * Looks up one group of the queue by name: its limits, jobs in flight and
 * hold; pause, resume and its override. The group shown is in the URL
 * (`?group=`), so a reload or a link from a job's page opens it.
 */
export function GroupPanel({ queue, group, show }: { queue: string; group: string | undefined; show(group: string | undefined): void }) {
  const [text, setText] = useState(group ?? '');
  useEffect(() => setText(group ?? ''), [group]);
  return html`<div>
    <form class="inline" onSubmit=${(event: Event) => {
      event.preventDefault();
      show(text.trim() || undefined);
    }}>
      <label>group <input name="group" value=${text} onInput=${(event: Event) => setText((event.target as HTMLInputElement).value)} placeholder="tenant-7" data-testid="group-lookup" /></label>
      <button type="submit">Show</button>
    </form>
    ${group === undefined ? '' : html`<${GroupState} key=${group} queue=${queue} group=${group} />`}
  </div>`;
}
