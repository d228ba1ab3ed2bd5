import { useState } from 'preact/hooks';
import type { WireFlowLimits } from '../../api/wire.js';
import { post } from '../api.js';
import { html } from '../html.js';
import { formatCount } from './status.js';
import { useAction } from './use-action.js';

/** Limits as one short line: "5 at once, 100 per 1,000 ms", or "none". */
export function describeLimits(limits: WireFlowLimits): string {
  const parts: string[] = [];
  if (limits.concurrency !== undefined) parts.push(`${formatCount(limits.concurrency)} at once`);
  if (limits.rate !== undefined) parts.push(`${formatCount(limits.rate.max)} per ${formatCount(limits.rate.perMs)} ms`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

export const hasLimits = (limits: WireFlowLimits) => limits.concurrency !== undefined || limits.rate !== undefined;

const inputText = (event: Event) => (event.target as HTMLInputElement).value;

export interface LimitsFormProps {
  /** What the limits apply to, for the notice: "queue sync", "the groups of sync". */
  subject: string;
  /** The POST path that replaces these limits. */
  path: string;
  limits: WireFlowLimits;
  testid: string;
  onDone(): void;
}

/**
 * Replaces a set of limits. The fields start at the stored values; an empty
 * field is no limit, so saving an empty form clears them. The server checks
 * the values with core's rules and names the field it refuses.
 */
export function LimitsForm({ subject, path, limits, testid, onDone }: LimitsFormProps) {
  const action = useAction();
  const [concurrency, setConcurrency] = useState(limits.concurrency?.toString() ?? '');
  const [rateMax, setRateMax] = useState(limits.rate?.max.toString() ?? '');
  const [ratePerMs, setRatePerMs] = useState(limits.rate?.perMs.toString() ?? '');
  const save = (event: Event) => {
    event.preventDefault();
    action.run(
      () => post<{ limits: WireFlowLimits }>(path, { concurrency: concurrency.trim(), rateMax: rateMax.trim(), ratePerMs: ratePerMs.trim() }),
      (answer) => `limits of ${subject}: ${describeLimits(answer.limits)}`,
      onDone,
    );
  };
  return html`<form class="inline limits-form" onSubmit=${save} data-testid=${testid}>
    <label>at once <input name="concurrency" inputmode="numeric" size="7" value=${concurrency} placeholder="no limit" onInput=${(e: Event) => setConcurrency(inputText(e))} /></label>
    <label>rate <input name="rateMax" inputmode="numeric" size="7" value=${rateMax} placeholder="no limit" onInput=${(e: Event) => setRateMax(inputText(e))} /></label>
    <label>per <input name="ratePerMs" inputmode="numeric" size="8" value=${ratePerMs} placeholder="ms" onInput=${(e: Event) => setRatePerMs(inputText(e))} /> ms</label>
    <button type="submit" class="primary" disabled=${action.busy}>Save</button>
  </form>`;
}
