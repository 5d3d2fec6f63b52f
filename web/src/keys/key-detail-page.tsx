import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import type { ApiKeyUsage, ApiKeyView } from '../../../sdk/index.js';
import { isStatus } from '../api/problems.js';
import { StatusBadge } from '../components/Badge.js';
import { Button } from '../components/Button.js';
import { StackedBars } from '../components/Charts.js';
import { formatDate, formatDateTime } from '../components/format.js';
import { Empty, Loading, ProblemPanel } from '../components/States.js';
import { PageHeader } from '../layout.js';
import { permissionsOf } from '../session/permissions.js';
import { useMe } from '../session/session.js';
import { useTeamNames } from '../team/queries.js';
import { RevokeDialog, RotateDialog } from './key-actions.js';
import { KeyEditForm } from './key-edit-form.js';
import { capOf, creatorOf, effectiveScopesOf, LastUsed, lostScopesOf, ScopeList } from './key-format.js';
import { keyEventsQuery, keyQuery, keyUsageQuery } from './queries.js';
import { SecretPanel } from './secret-panel.js';

export function KeyDetailPage() {
  const { publicId } = useParams({ from: '/keys/$publicId' });
  const key = useQuery(keyQuery(publicId));
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/keys">API keys</Link> / <code>{publicId}</code>
      </p>
      {key.isPending && <Loading label="Loading key…" />}
      {key.isError &&
        (isStatus(key.error, 404) ? (
          <Empty title="No such key">
            <p>There is no key {publicId} in your company.</p>
          </Empty>
        ) : (
          <ProblemPanel error={key.error} onRetry={() => void key.refetch()} />
        ))}
      {key.data && <KeyDetail apiKey={key.data} />}
    </section>
  );
}

type Action = 'rotate' | 'revoke' | 'edit' | undefined;

function KeyDetail({ apiKey }: { apiKey: ApiKeyView }) {
  const me = useMe();
  const can = permissionsOf(me.role);
  const teamNames = useTeamNames(can.manageTeam);
  const [action, setAction] = useState<Action>();
  const [newSecret, setNewSecret] = useState<string>();
  const active = apiKey.status === 'ACTIVE';
  const lost = lostScopesOf(apiKey);
  return (
    <>
      <PageHeader title={apiKey.name}>
        <StatusBadge status={apiKey.status} />
        {can.manageKeys && active && !newSecret && (
          <>
            <Button onClick={() => setAction('edit')} aria-expanded={action === 'edit'}>
              Edit
            </Button>
            <Button onClick={() => setAction('rotate')}>Rotate</Button>
            <Button variant="danger" onClick={() => setAction('revoke')}>
              Revoke
            </Button>
          </>
        )}
      </PageHeader>
      {newSecret && <SecretPanel secret={newSecret} heading="The rotated key" onDone={() => setNewSecret(undefined)} />}
      {action === 'rotate' && (
        <RotateDialog
          apiKey={apiKey}
          onClose={() => setAction(undefined)}
          onRotated={(secret) => {
            setAction(undefined);
            setNewSecret(secret);
          }}
        />
      )}
      {action === 'revoke' && <RevokeDialog apiKey={apiKey} onClose={() => setAction(undefined)} />}
      {action === 'edit' && (
        <section className="card" aria-labelledby="edit-heading">
          <h2 id="edit-heading">Edit key</h2>
          <KeyEditForm apiKey={apiKey} onDone={() => setAction(undefined)} />
        </section>
      )}
      <div className="detail-grid">
        <section className="card" aria-labelledby="details-heading">
          <h2 id="details-heading">Details</h2>
          <dl className="facts">
            <dt>Key ID</dt>
            <dd>
              <code>{apiKey.publicId}</code>
            </dd>
            {apiKey.description && (
              <>
                <dt>Description</dt>
                <dd>{apiKey.description}</dd>
              </>
            )}
            <dt>Created</dt>
            <dd>
              {formatDateTime(apiKey.createdAt)} by {creatorOf(apiKey, me.userId, teamNames)}
            </dd>
            <dt>Last used</dt>
            <dd>
              <LastUsed apiKey={apiKey} />
            </dd>
            <dt>Expires</dt>
            <dd>{formatDateTime(apiKey.expiresAt, 'Never')}</dd>
            <dt>Daily credit cap</dt>
            <dd>{capOf(apiKey)}</dd>
            <dt>IP allowlist</dt>
            <dd>{apiKey.ipAllowlist.length ? apiKey.ipAllowlist.map((entry) => <code key={entry} className="chip">{entry}</code>) : 'Any address'}</dd>
            {apiKey.rotatedAt && (
              <>
                <dt>Rotated</dt>
                <dd>
                  {formatDateTime(apiKey.rotatedAt)}
                  {apiKey.previousSecretExpiresAt && <> (the old secret is accepted until {formatDateTime(apiKey.previousSecretExpiresAt)})</>}
                </dd>
              </>
            )}
            {apiKey.revokedAt && (
              <>
                <dt>Revoked</dt>
                <dd>
                  {formatDateTime(apiKey.revokedAt)}
                  {apiKey.revokedReason === 'creator_removed' && ' (its creator was removed from the team)'}
                </dd>
              </>
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="scopes-heading">
          <h2 id="scopes-heading">Scopes</h2>
          <h3>Effective</h3>
          <ScopeList scopes={effectiveScopesOf(apiKey)} />
          <h3>Requested at creation</h3>
          <ScopeList scopes={apiKey.scopes} />
          {lost.length > 0 && (
            <p className="notice notice-warn">
              Effective scopes differ from the requested ones: the key's creator{apiKey.creator ? `, ${apiKey.creator.name},` : ''} now has {apiKey.creator ? `the ${apiKey.creator.role} role` : 'a smaller role'}, which does not grant {lost.join(', ')}.
            </p>
          )}
        </section>
      </div>
      <UsageSection publicId={apiKey.publicId} />
      {can.readAudit && <EventsSection publicId={apiKey.publicId} />}
    </>
  );
}

function UsageSection({ publicId }: { publicId: string }) {
  const [granularity, setGranularity] = useState<'hour' | 'day'>('hour');
  const usage = useQuery(keyUsageQuery(publicId, granularity));
  return (
    <section className="card" aria-labelledby="usage-heading">
      <h2 id="usage-heading">Usage {granularity === 'hour' ? 'by hour, last 24 hours' : 'by day, last 30 days'}</h2>
      <div role="group" aria-label="Chart granularity" className="form-actions">
        <Button variant={granularity === 'hour' ? 'primary' : 'secondary'} aria-pressed={granularity === 'hour'} onClick={() => setGranularity('hour')}>
          By hour
        </Button>
        <Button variant={granularity === 'day' ? 'primary' : 'secondary'} aria-pressed={granularity === 'day'} onClick={() => setGranularity('day')}>
          By day
        </Button>
      </div>
      {usage.isPending && <Loading label="Loading usage…" />}
      {usage.isError && <ProblemPanel error={usage.error} onRetry={() => void usage.refetch()} />}
      {usage.data && <UsageChart usage={usage.data} />}
    </section>
  );
}

const OUTCOME_SERIES = [
  { name: 'succeeded', className: 'seg-ok' },
  { name: 'denied', className: 'seg-denied' },
  { name: 'failed', className: 'seg-failed' },
];

function UsageChart({ usage }: { usage: ApiKeyUsage }) {
  const total = usage.data.reduce(
    (sum, bucket) => ({
      requests: sum.requests + bucket.requests,
      denied: sum.denied + bucket.denied,
      failed: sum.failed + bucket.failed,
      credits: sum.credits + bucket.creditsSpent,
    }),
    { requests: 0, denied: 0, failed: 0, credits: 0 },
  );
  if (total.requests === 0) return <Empty title={usage.granularity === 'hour' ? 'No requests in the last 24 hours' : 'No requests in this period'} />;
  return (
    <>
      <p>
        {total.requests} requests, {total.denied} denied, {total.failed} failed, {total.credits} credits spent. Counts may lag by up to a minute.
      </p>
      <StackedBars
        label={`Requests per ${usage.granularity} by outcome`}
        series={OUTCOME_SERIES}
        buckets={usage.data.map((bucket) => ({ start: bucket.start, values: [Math.max(0, bucket.requests - bucket.denied - bucket.failed), bucket.denied, bucket.failed] }))}
        formatStart={usage.granularity === 'day' ? formatDate : formatDateTime}
      />
    </>
  );
}

function EventsSection({ publicId }: { publicId: string }) {
  return (
    <section className="card" aria-labelledby="events-heading">
      <h2 id="events-heading">Audit events</h2>
      <EventTable publicId={publicId} side="about" title="Changes to this key" empty="No changes recorded yet" />
      <EventTable publicId={publicId} side="by" title="Requests made with this key" empty="No audited requests by this key yet" />
      <p>
        <Link to="/audit" search={{ actor: publicId }}>
          All events by this key in the audit log
        </Link>
      </p>
    </section>
  );
}

function EventTable({ publicId, side, title, empty }: { publicId: string; side: 'about' | 'by'; title: string; empty: string }) {
  const events = useQuery(keyEventsQuery(publicId, side));
  return (
    <>
      <h3>{title}</h3>
      {events.isPending && <Loading label="Loading events…" />}
      {events.isError && <ProblemPanel error={events.error} onRetry={() => void events.refetch()} />}
      {events.data && events.data.data.length === 0 && <p className="muted">{empty}</p>}
      {events.data && events.data.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">{side === 'by' ? 'Resource' : 'By'}</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {events.data.data.map((event) => (
                <tr key={event.id}>
                  <td data-label="When">{formatDateTime(event.occurredAt)}</td>
                  <td data-label="Action">
                    <code>{event.action}</code>
                  </td>
                  <td data-label={side === 'by' ? 'Resource' : 'By'}>
                    {side === 'by' ? (event.resourceType ? `${event.resourceType} ${event.resourceId ?? ''}` : '—') : (event.actor.name ?? event.actor.type)}
                  </td>
                  <td data-label="Outcome">
                    {event.outcome} ({event.status})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
