import type { WireValue } from '../../api/wire.js';
import { html } from '../html.js';

/** A stored value as text: pretty JSON, plain text, or hex bytes when it is neither. Never parsed as HTML. */
export function ValueView({ value, testid }: { value: WireValue; testid?: string }) {
  if (value.kind === 'bytes') {
    const more = value.truncated ? ` (first ${value.hex.length / 2} shown)` : '';
    return html`<div>
      <p class="muted">${value.size.toLocaleString('en-US')} bytes, not UTF-8 text${more}:</p>
      <pre class="value" data-testid=${testid}>${value.hex.replace(/(.{2})/g, '$1 ').trim()}</pre>
    </div>`;
  }
  return html`<pre class="value" data-testid=${testid}>${value.text}</pre>`;
}
