import { html } from '../html.js';

const local = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

/** A time in the viewer's time zone; the UTC time shows on hover. */
export function Time({ ms }: { ms: number | undefined }) {
  if (ms === undefined) return html`<span class="muted">–</span>`;
  const date = new Date(ms);
  const iso = date.toISOString();
  return html`<time dateTime=${iso} title=${`UTC ${iso.replace('T', ' ').replace('Z', '')}`}>${local.format(date)}</time>`;
}
