import { type ReactNode, useEffect, useId, useRef } from 'react';
import { Button } from './Button.js';
import { ProblemPanel } from './States.js';
import { useSubmission } from './use-field-errors.js';

/**
 * A modal on the native <dialog>: the browser traps focus, closes on Escape and restores focus
 * to the opener. Render it only while open.
 */
export function Dialog({ title, children, onClose, className = 'dialog' }: { title: string; children: ReactNode; onClose: () => void; className?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={className}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

/**
 * A dialog that asks before acting: its text, then Cancel and the action's button. The action's
 * failure shows inside it; it closes only when the action succeeds (the action closes it).
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  variant = 'primary',
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  variant?: 'primary' | 'danger';
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const { busy, failure, run } = useSubmission();
  return (
    <Dialog title={title} onClose={onClose}>
      {children}
      {failure !== undefined && <ProblemPanel error={failure} />}
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        <Button variant={variant} busy={busy} onClick={() => void run(onConfirm)}>
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
