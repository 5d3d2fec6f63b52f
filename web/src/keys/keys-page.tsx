import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useMemo } from 'react';
import { StatusBadge } from '../components/Badge.js';
import { Button } from '../components/Button.js';
import { SelectField, TextField } from '../components/Field.js';
import { formatDate } from '../components/format.js';
import { Empty, Loading, ProblemPanel } from '../components/States.js';
import { PageHeader } from '../layout.js';
import { permissionsOf } from '../session/permissions.js';
import { useMe } from '../session/session.js';
import { useTeamNames } from '../team/queries.js';
import { capOf, creatorOf, effectiveScopesOf, LastUsed, lostScopesOf, ScopeList } from './key-format.js';
import { keyListQuery, type KeyStatusFilter, keyUsageQuery } from './queries.js';
import { Sparkline } from '../components/Charts.js';

export interface KeyFilters {
  q?: string;
  status?: KeyStatusFilter;
}

const STATUSES: KeyStatusFilter[] = ['active', 'revoked', 'expired', 'all'];

/** Filters live in the URL (`?q=&status=`), so a filtered view can be shared by its address. */
export function parseKeyFilters(search: Record<string, unknown>): KeyFilters {
  return {
    q: typeof search.q === 'string' && search.q !== '' ? search.q.slice(0, 100) : undefined,
    status: STATUSES.includes(search.status as KeyStatusFilter) && search.status !== 'active' ? (search.status as KeyStatusFilter) : undefined,
  };
}

export function KeysPage() {
  const me = useMe();
  const can = permissionsOf(me.role);
  const teamNames = useTeamNames(can.manageTeam);
  const filters = useSearch({ from: '/keys' });
  const navigate = useNavigate({ from: '/keys' });
  const q = filters.q ?? '';
  const status = filters.status ?? 'active';
  const keys = useInfiniteQuery(keyListQuery(q, status));
  const shown = useMemo(() => keys.data?.pages.flatMap((page) => page.data) ?? [], [keys.data]);
  const filtered = q.trim() !== '' || status !== 'active';
  const setFilters = (next: KeyFilters) => void navigate({ search: parseKeyFilters({ ...filters, ...next }), replace: true });

  return (
    <section>
      <PageHeader title="API keys">
        {can.manageKeys && (
          <Link to="/keys/new" className="btn btn-primary">
            Create key
          </Link>
        )}
        <Link to="/keys/hygiene" className="btn btn-secondary">
          Key hygiene
        </Link>
      </PageHeader>
      {!can.manageKeys && <p className="notice">You can see the company's keys but not change them.</p>}
      <div role="search" className="filters" aria-label="Filter keys">
        <TextField label="Search" type="search" placeholder="Name, description or key ID" value={q} onChange={(e) => setFilters({ q: e.target.value })} />
        <SelectField label="Status" value={status} onChange={(e) => setFilters({ status: e.target.value as KeyStatusFilter })}>
          <option value="active">Active</option>
          <option value="expired">Expired</option>
          <option value="revoked">Revoked</option>
          <option value="all">All</option>
        </SelectField>
      </div>
      {keys.isPending && <Loading label="Loading keys…" />}
      {keys.isError && <ProblemPanel error={keys.error} onRetry={() => void keys.refetch()} />}
      {keys.isSuccess && !filtered && shown.length === 0 && (
        <Empty title="No API keys yet">
          <p>Keys let your systems call the Fleetgate API with exactly the scopes they need.</p>
          {can.manageKeys && (
            <Link to="/keys/new" className="btn btn-primary">
              Create your first key
            </Link>
          )}
        </Empty>
      )}
      {keys.isSuccess && filtered && shown.length === 0 && (
        <Empty title="No keys match these filters">
          <Button variant="secondary" onClick={() => setFilters({ q: undefined, status: 'all' })}>
            Show all keys
          </Button>
        </Empty>
      )}
      {shown.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">API keys ({shown.length})</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Status</th>
                <th scope="col">Effective scopes</th>
                <th scope="col">Creator</th>
                <th scope="col">Last used</th>
                <th scope="col">24 h usage</th>
                <th scope="col">Expires</th>
                <th scope="col">Daily cap</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((key) => {
                const lost = lostScopesOf(key);
                return (
                  <tr key={key.publicId}>
                    <td data-label="Key">
                      <Link to="/keys/$publicId" params={{ publicId: key.publicId }} className="key-name">
                        {key.name}
                      </Link>
                      <code className="muted">{key.publicId}</code>
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={key.status} />
                    </td>
                    <td data-label="Effective scopes">
                      <ScopeList scopes={effectiveScopesOf(key)} />
                      {lost.length > 0 && (
                        <p className="field-hint">
                          Also requested: {lost.join(', ')} (not granted by the creator's role{key.creator ? `, ${key.creator.role}` : ''})
                        </p>
                      )}
                    </td>
                    <td data-label="Creator">{creatorOf(key, me.userId, teamNames)}</td>
                    <td data-label="Last used">
                      <LastUsed apiKey={key} />
                    </td>
                    <td data-label="24 h usage">
                      <KeySparkline publicId={key.publicId} />
                    </td>
                    <td data-label="Expires">{formatDate(key.expiresAt, 'Never')}</td>
                    <td data-label="Daily cap">{capOf(key)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {keys.hasNextPage && (
        <Button variant="secondary" busy={keys.isFetchingNextPage} onClick={() => void keys.fetchNextPage()}>
          Load more keys
        </Button>
      )}
    </section>
  );
}

function KeySparkline({ publicId }: { publicId: string }) {
  const usage = useQuery(keyUsageQuery(publicId, 'hour'));
  if (!usage.data) return <span className="muted">{usage.isError ? 'unavailable' : '…'}</span>;
  const values = usage.data.data.map((bucket) => bucket.requests);
  const total = values.reduce((a, b) => a + b, 0);
  return (
    <span className="spark-cell">
      <Sparkline values={values} label={`${total} requests in the last 24 hours`} />
      <span className="muted"> {total}</span>
    </span>
  );
}
