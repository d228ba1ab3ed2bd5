import { useState } from 'preact/hooks';
import { post, seg } from '../api.js';
import { html } from '../html.js';
import { ConfirmDialog } from './dialog.js';
import { formatCount, STATUS_LABEL } from './status.js';
import { useAction } from './use-action.js';

export interface PurgeProps {
  queue: string;
  status: 'done' | 'dlq' | 'cancelled';
  /** The count the confirmation names; the purge removes at most this many. */
  count: number;
  type?: string | undefined;
  onDone(): void;
}

/**
 * Purge with a confirmation that names the count. The count is sent as the
 * limit, so jobs that arrive after the operator read it are not removed.
 */
export function PurgeButton({ queue, status, count, type, onDone }: PurgeProps) {
  const [open, setOpen] = useState(false);
  const action = useAction();
  if (count === 0) return null;
  const what = `${STATUS_LABEL[status]} job${count === 1 ? '' : 's'}`;
  const confirm = () => {
    setOpen(false);
    action.run(
      () => post<{ removed: number }>(`queues/${seg(queue)}/purge`, { status, type, limit: count }),
      ({ removed }) => `purged ${formatCount(removed)} ${STATUS_LABEL[status]} job${removed === 1 ? '' : 's'} from ${queue}`,
      onDone,
    );
  };
  return html`<span>
    <button type="button" class="danger" disabled=${action.busy} onClick=${() => setOpen(true)} data-testid=${`purge-${status}`}>
      Purge ${STATUS_LABEL[status]}…
    </button>
    ${open
      ? html`<${ConfirmDialog} title=${`Purge ${type ? `up to ` : ''}${formatCount(count)} ${what}?`} confirmLabel=${`Purge ${formatCount(count)}`} danger
          onConfirm=${confirm} onCancel=${() => setOpen(false)}>
          <p>
            ${type
              ? `Removes the ${STATUS_LABEL[status]} jobs of type ${type} in queue ${queue}, at most ${formatCount(count)} (the queue's ${STATUS_LABEL[status]} count).`
              : `Removes ${formatCount(count)} ${what} from queue ${queue} for good.`}
            ${' '}This cannot be undone.
          </p>
        <//>`
      : ''}
  </span>`;
}
