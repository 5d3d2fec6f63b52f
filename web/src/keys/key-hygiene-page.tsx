import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ApiKeyView } from '../../../sdk/index.js';
import { Empty, Loading, ProblemPanel } from '../components/States.js';
import { PageHeader } from '../layout.js';
import { LastUsed } from './key-format.js';
import { activeKeysQuery } from './queries.js';

const IDLE_DAYS = 90;

interface Finding {
  id: string;
  title: string;
  why: string;
  keys: ApiKeyView[];
}

/** Active keys that deserve a look: pure, so the rules read in one place. */
export function hygieneFindings(keys: ApiKeyView[], now = Date.now()): Finding[] {
  const idleBefore = now - IDLE_DAYS * 86_400_000;
  return [
    { id: 'never-used', title: 'Never used', why: 'Created but never called the API: revoke it if nobody needs it.', keys: keys.filter((key) => !key.lastUsedAt) },
    {
      id: 'idle',
      title: `Idle ${IDLE_DAYS}+ days`,
      why: `Not used in the last ${IDLE_DAYS} days.`,
      keys: keys.filter((key) => key.lastUsedAt !== null && new Date(key.lastUsedAt).getTime() < idleBefore),
    },
    { id: 'no-expiry', title: 'No expiry', why: 'Works forever unless revoked: give it an end date.', keys: keys.filter((key) => key.expiresAt === null) },
    { id: 'no-allowlist', title: 'No IP allowlist', why: 'Accepted from any address.', keys: keys.filter((key) => key.ipAllowlist.length === 0) },
    { id: 'no-cap', title: 'No daily credit cap', why: 'Can spend the whole balance in a day.', keys: keys.filter((key) => key.dailyCreditLimit === null) },
  ];
}

export function KeyHygienePage() {
  const keys = useQuery(activeKeysQuery);
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/keys">API keys</Link> / Hygiene
      </p>
      <PageHeader title="Key hygiene" />
      <p className="muted">Active keys that are unused, idle, or missing a limit.</p>
      {keys.isPending && <Loading label="Checking keys…" />}
      {keys.isError && <ProblemPanel error={keys.error} onRetry={() => void keys.refetch()} />}
      {keys.data && keys.data.length === 0 && <Empty title="No active keys" />}
      {keys.data && keys.data.length > 0 && (
        <div className="hygiene-list">
          {hygieneFindings(keys.data).map((finding) => (
            <section key={finding.id} className="card" aria-labelledby={`hygiene-${finding.id}`}>
              <h2 id={`hygiene-${finding.id}`}>
                {finding.title} ({finding.keys.length})
              </h2>
              <p className="muted">{finding.why}</p>
              {finding.keys.length === 0 ? (
                <p>None. Good.</p>
              ) : (
                <ul>
                  {finding.keys.map((key) => (
                    <li key={key.publicId}>
                      <Link to="/keys/$publicId" params={{ publicId: key.publicId }}>
                        {key.name}
                      </Link>{' '}
                      <code className="muted">{key.publicId}</code> · <LastUsed apiKey={key} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
          ))}
        </div>
      )}
    </section>
  );
}
