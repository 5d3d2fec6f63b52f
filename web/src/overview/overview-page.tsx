import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { accountQuery } from '../access/queries.js';
import { Tag } from '../components/Badge.js';
import { formatDate } from '../components/format.js';
import { Loading, ProblemPanel } from '../components/States.js';
import { PageHeader } from '../layout.js';
import { permissionsOf, ROLE_LABELS, ROLE_SUMMARIES } from '../session/permissions.js';
import { useMe } from '../session/session.js';

/** Every role's landing page: the company, what the role may do, and where to go next. */
export function OverviewPage() {
  const me = useMe();
  const can = permissionsOf(me.role);
  const account = useQuery(accountQuery);
  return (
    <section>
      <PageHeader title={account.data?.name ?? 'Overview'} />
      {account.isPending && <Loading />}
      {account.isError && <ProblemPanel error={account.error} onRetry={() => void account.refetch()} />}
      {account.data && (
        <div className="detail-grid">
          <section className="card" aria-labelledby="company-heading">
            <h2 id="company-heading">Company</h2>
            <dl className="facts">
              <dt>API access</dt>
              <dd>{account.data.apiEnabled ? <Tag tone="ok">On</Tag> : <Tag>Off</Tag>}</dd>
              <dt>Credit balance</dt>
              <dd>{account.data.creditBalance} credits</dd>
              <dt>IP allowlist</dt>
              <dd>{account.data.ipAllowlist.length ? `${account.data.ipAllowlist.length} entries` : 'Any address'}</dd>
              <dt>Customer since</dt>
              <dd>{formatDate(account.data.createdAt)}</dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="role-heading">
            <h2 id="role-heading">Your role: {ROLE_LABELS[me.role]}</h2>
            <p>{ROLE_SUMMARIES[me.role]}</p>
            {!can.viewKeys && <p className="muted">Your role works with fleet data through the API and apps; there is nothing to manage in this console.</p>}
            {can.viewKeys && (
              <ul className="link-list">
                {can.manageApiAccess && (
                  <li>
                    <Link to="/api-access">Turn API access on or off and set the company allowlist</Link>
                  </li>
                )}
                {can.manageKeys && (
                  <li>
                    <Link to="/keys/new">Create an API key</Link>
                  </li>
                )}
                {can.viewKeys && (
                  <li>
                    <Link to="/keys">See the company's API keys</Link>
                  </li>
                )}
                {can.manageTeam && (
                  <li>
                    <Link to="/team">Manage the team</Link>
                  </li>
                )}
              </ul>
            )}
          </section>
        </div>
      )}
    </section>
  );
}
