import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { accountQuery } from './access/queries.js';
import { Button } from './components/Button.js';
import { permissionsOf, ROLE_LABELS } from './session/permissions.js';
import { useMe, useSession } from './session/session.js';

/** The signed-in frame: skip link, header with the company and the role, navigation by role. */
export function Layout({ children }: { children: ReactNode }) {
  const me = useMe();
  const { logOut } = useSession();
  const account = useQuery(accountQuery);
  const can = permissionsOf(me.role);
  const links = [
    { to: '/', label: 'Overview', show: true },
    { to: '/api-access', label: 'API access', show: can.manageApiAccess },
    { to: '/keys', label: 'Keys', show: can.viewKeys },
    { to: '/records', label: 'Records', show: can.readRecords },
    { to: '/credits', label: 'Credits', show: true },
    { to: '/webhooks', label: 'Webhooks', show: can.viewWebhooks },
    { to: '/audit', label: 'Audit', show: can.readAudit },
    { to: '/team', label: 'Team', show: can.manageTeam },
  ] as const;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            F
          </span>
          Fleetgate
        </Link>
        <p className="whoami">
          <span className="whoami-company">{account.data?.name ?? '…'}</span>
          <span className="badge badge-info">{ROLE_LABELS[me.role]}</span>
        </p>
        <Button variant="ghost" className="logout" onClick={() => void logOut()}>
          Log out
        </Button>
      </header>
      <nav className="nav" aria-label="Console">
        <ul>
          {links
            .filter((link) => link.show)
            .map((link) => (
              <li key={link.to}>
                <Link to={link.to} activeOptions={{ exact: link.to === '/', includeSearch: false }} activeProps={{ 'aria-current': 'page' }}>
                  {link.label}
                </Link>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-actions">{children}</div>}
    </div>
  );
}

export function Forbidden() {
  return (
    <section>
      <PageHeader title="Not available for your role" />
      <p>Your role does not allow this page. Ask an owner of your company if you need it.</p>
      <Link to="/">Back to the overview</Link>
    </section>
  );
}

export function NotFound() {
  return (
    <main id="main" className="narrow">
      <h1>Page not found</h1>
      <p>There is no console page at this address.</p>
      <Link to="/">Go to the console</Link>
    </main>
  );
}
