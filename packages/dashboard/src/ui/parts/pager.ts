import { html } from '../html.js';
import { href, navigate } from '../router.js';

/**
 * The cursors of the pages before the current one, per list, kept for the
 * tab's life: Previous goes back through them. After a reload only First
 * and Next remain, which is all a cursor can promise.
 */
const trails = new Map<string, string[]>();

export interface PagerProps {
  parts: string[];
  filters: Record<string, string | undefined>;
  cursor: string | undefined;
  nextCursor: string | undefined;
}

export function Pager({ parts, filters, cursor, nextCursor }: PagerProps) {
  const listKey = JSON.stringify([parts, filters]);
  const trail = trails.get(listKey) ?? [];
  const go = (to: string | undefined) => navigate(href(parts, { ...filters, cursor: to }));
  const next = () => {
    trails.set(listKey, [...trail, cursor ?? '']);
    go(nextCursor);
  };
  const previous = () => {
    const back = trail.slice(0, -1);
    trails.set(listKey, back);
    go(trail[trail.length - 1] || undefined);
  };
  const first = () => {
    trails.set(listKey, []);
    go(undefined);
  };
  if (cursor === undefined && nextCursor === undefined) return null;
  return html`<nav class="pager">
    <button type="button" onClick=${first} disabled=${cursor === undefined}>First</button>
    <button type="button" onClick=${previous} disabled=${trail.length === 0 || cursor === undefined} data-testid="previous">Previous</button>
    <button type="button" onClick=${next} disabled=${nextCursor === undefined} data-testid="next">Next</button>
  </nav>`;
}
