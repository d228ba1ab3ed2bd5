import type { QueueView } from '../../api/wire.js';
import { get, post, seg } from '../api.js';
import { html } from '../html.js';
import { href } from '../router.js';
import { useApp } from '../session-context.js';
import { type Polled, usePoll } from '../use-poll.js';
import { useAction } from './use-action.js';

/** The queue's counts, refreshed with the page. */
export function useQueue(queue: string): Polled<QueueView> {
  const app = useApp();
  return usePoll(`queue:${queue}`, () => get<QueueView>(`queues/${seg(queue)}`), app.session.refreshMs, app.refreshPaused);
}

/** The queue's name, paused flag and the pause or resume button. */
export function QueueHead({ queue, polled, title }: { queue: string; polled: Polled<QueueView>; title: string }) {
  const app = useApp();
  const action = useAction();
  const paused = polled.data?.paused;
  const toggle = () =>
    action.run(
      () => post(`queues/${seg(queue)}/${paused ? 'resume' : 'pause'}`),
      () => (paused ? `resumed queue ${queue}` : `paused queue ${queue}: workers take no new jobs from it`),
      polled.reload,
    );
  return html`<header class="page-head">
    <h1><a href=${href([])}>Queues</a> / <a href=${href(['queue', queue])}>${queue}</a>${title ? ` / ${title}` : ''}</h1>
    ${paused ? html`<span class="badge paused" data-testid="paused">paused</span>` : ''}
    ${app.session.canAct && paused !== undefined
      ? html`<button type="button" onClick=${toggle} disabled=${action.busy} data-testid=${paused ? 'resume' : 'pause'}>
          ${paused ? 'Resume queue' : 'Pause queue'}
        </button>`
      : ''}
  </header>`;
}
