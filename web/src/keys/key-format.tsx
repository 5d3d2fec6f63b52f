import type { ApiKeyView } from '../../../sdk/index.js';
import { formatDateTime, relativeTime } from '../components/format.js';

/** What the key may really do: effectiveScopes (API 1.1) when present, else the scopes as created. */
export function effectiveScopesOf(key: ApiKeyView): string[] {
  return key.effectiveScopes ?? key.scopes;
}

/** Requested scopes the key lost because its creator's role shrank. */
export function lostScopesOf(key: ApiKeyView): string[] {
  if (!key.effectiveScopes) return [];
  const effective = new Set(key.effectiveScopes);
  return key.scopes.filter((scope) => !effective.has(scope));
}

export function ScopeList({ scopes }: { scopes: readonly string[] }) {
  if (scopes.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="scope-list">
      {scopes.map((scope) => (
        <li key={scope}>
          <code>{scope}</code>
        </li>
      ))}
    </ul>
  );
}

export function LastUsed({ apiKey: key }: { apiKey: ApiKeyView }) {
  if (!key.lastUsedAt) return <span className="muted">Never used</span>;
  return (
    <span>
      <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt)}>
        {relativeTime(key.lastUsedAt)}
      </time>
      {key.lastUsedIp && (
        <>
          {' '}
          from <code>{key.lastUsedIp}</code>
        </>
      )}
    </span>
  );
}

export function creatorOf(key: ApiKeyView, myUserId: string): string {
  if (key.creator) return key.createdBy === myUserId ? `${key.creator.name} (you)` : key.creator.name;
  return key.createdBy === myUserId ? 'You' : `User ${key.createdBy.slice(0, 8)}…`;
}

export const capOf = (key: ApiKeyView) => (key.dailyCreditLimit === null ? 'No cap' : `${key.dailyCreditLimit} credits/day`);
