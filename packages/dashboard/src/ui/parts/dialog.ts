import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.js';
import { useApp } from '../session-context.js';

export interface DialogProps {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  children?: ComponentChildren;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal confirmation (the native <dialog>): it holds the page's refresh
 * while open, so the count it names stays the one the operator read.
 */
export function ConfirmDialog({ title, confirmLabel, danger, children, onConfirm, onCancel }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const app = useApp();
  useEffect(() => {
    app.setDialogOpen(true);
    ref.current?.showModal();
    return () => app.setDialogOpen(false);
  }, []);
  return html`<dialog ref=${ref} class="confirm" onCancel=${(event: Event) => {
    event.preventDefault();
    onCancel();
  }}>
    <form method="dialog" onSubmit=${(event: Event) => {
      event.preventDefault();
      onConfirm();
    }}>
      <h2>${title}</h2>
      ${children}
      <div class="dialog-buttons">
        <button type="button" onClick=${onCancel}>Keep</button>
        <button type="submit" class=${danger ? 'danger' : 'primary'} data-testid="confirm">${confirmLabel}</button>
      </div>
    </form>
  </dialog>`;
}
