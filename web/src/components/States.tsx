import type { ReactNode } from 'react';
import type { Problem } from '../../../sdk/index.js';
import { problemOf } from '../api/problems.js';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

/** An API error as the person needs it: what went wrong, and the request id to quote to support. */
export function ProblemPanel({ error, problem, onRetry }: { error?: unknown; problem?: Problem; onRetry?: () => void }) {
  const shown = problem ?? problemOf(error);
  const fieldErrors = shown.errors ?? [];
  return (
    <div className="problem" role="alert">
      <p className="problem-title">{shown.title}</p>
      <p>{shown.detail}</p>
      {fieldErrors.length > 0 && (
        <ul>
          {fieldErrors.map((fieldError) => (
            <li key={`${fieldError.field}:${fieldError.message}`}>
              <code>{fieldError.field}</code> {fieldError.message}
            </li>
          ))}
        </ul>
      )}
      {shown.requestId && (
        <p className="problem-meta">
          Request ID <code>{shown.requestId}</code>
        </p>
      )}
      {onRetry && (
        <button type="button" className="btn btn-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
