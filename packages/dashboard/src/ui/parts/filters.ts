import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { href, navigate } from '../router.js';

/** Filters the list by job type; applied on Enter, which starts again at the first page. */
export function TypeFilter({ parts, status, type }: { parts: string[]; status: string | undefined; type: string | undefined }) {
  const [text, setText] = useState(type ?? '');
  useEffect(() => setText(type ?? ''), [type]);
  return html`<form class="inline" role="search" onSubmit=${(event: Event) => {
    event.preventDefault();
    navigate(href(parts, { status, type: text.trim() || undefined }));
  }}>
    <label>type <input name="type" value=${text} onInput=${(event: Event) => setText((event.target as HTMLInputElement).value)} placeholder="any" data-testid="type-filter" /></label>
    <button type="submit">Filter</button>
  </form>`;
}

/** Opens a job by id. */
export function LookupForm({ queue }: { queue: string }) {
  const [id, setId] = useState('');
  return html`<form class="inline" onSubmit=${(event: Event) => {
    event.preventDefault();
    if (id.trim() !== '') navigate(href(['job', queue, id.trim()]));
  }}>
    <label>job id <input name="id" value=${id} onInput=${(event: Event) => setId((event.target as HTMLInputElement).value)} data-testid="lookup" /></label>
    <button type="submit">Open</button>
  </form>`;
}
