import { html } from '../html.js';
import type { Polled } from '../use-poll.js';
import { Time } from './time.js';

/** When the view's data last arrived, and the error of the last attempt, if it failed. */
export function Updated({ polled }: { polled: Polled<unknown> }) {
  return html`<div class="updated" aria-live="polite">
    ${polled.error ? html`<span class="error-text" data-testid="load-error">${polled.error.message}</span>` : ''}
    ${polled.updatedAt !== undefined ? html`<span class="muted">updated <${Time} ms=${polled.updatedAt} /></span>` : ''}
  </div>`;
}
