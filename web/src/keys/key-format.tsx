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

/** The creator's name: from the key (API 1.1), else from the team list (owners can read it). */
export function creatorOf(key: ApiKeyView, myUserId: string, teamNames?: ReadonlyMap<string, string>): string {
  const name = key.creator?.name ?? teamNames?.get(key.createdBy);
  if (key.createdBy === myUserId) return name ? `${name} (you)` : 'You';
  return name ?? 'Another team member';
}

export const capOf = (key: ApiKeyView) => (key.dailyCreditLimit === null ? 'No cap' : `${key.dailyCreditLimit} credits/day`);
