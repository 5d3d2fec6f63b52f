import { useState } from 'react';

/** Copies `text` (which may be a secret shown masked) and says so to screen readers. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied(undefined), 2500);
  };
  return (
    <span className="copy">
      <button type="button" className="btn btn-secondary btn-small" onClick={() => void copy()}>
        {label}
      </button>
      <span className="copy-status" role="status">
        {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Copy failed: select the text instead' : ''}
      </span>
    </span>
  );
}
