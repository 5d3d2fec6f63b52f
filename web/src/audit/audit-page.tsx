import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '../components/Button.js';
import { Dialog } from '../components/Dialog.js';
import { SelectField, TextField } from '../components/Field.js';
import { formatDateTime } from '../components/format.js';
import { Empty, Loading, ProblemPanel } from '../components/States.js';
import { PageHeader } from '../layout.js';
import { permissionsOf } from '../session/permissions.js';
import { useMe } from '../session/session.js';
import {
  actionChoices,
  type AuditEvent,
  type AuditFilters,
  auditActionsQuery,
  auditEventQuery,
  auditListQuery,
  exportAudit,
  parseAuditFilters,
  saveBlob,
  verifyAudit,
} from './queries.js';
import { ResourceLink } from './resource-link.js';

/** `2026-11-25T10:00` (a datetime-local value, read as UTC) ⇄ ISO 8601. */
const toLocalInput = (iso?: string) => (iso ? iso.slice(0, 16) : '');
const fromLocalInput = (value: string) => (value ? `${value}:00Z` : undefined);

export function AuditPage() {
  const filters = useSearch({ from: '/audit' });
  const navigate = useNavigate({ from: '/audit' });
  const setFilters = (next: Partial<AuditFilters>) => void navigate({ search: parseAuditFilters({ ...filters, ...next }), replace: true });
  const events = useInfiniteQuery(auditListQuery(filters));
  const rows = useMemo(() => events.data?.pages.flatMap((page) => page.data) ?? [], [events.data]);
  const sentinel = useRef<HTMLDivElement>(null);

  // endless scrolling: the next page loads as the end of the table comes into view
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !events.hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !events.isFetchingNextPage) void events.fetchNextPage();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [events, rows.length]);

  return (
    <section>
      <PageHeader title="Audit log" />
      <AuditFilterForm filters={filters} onChange={setFilters} />
      <ExportAndVerify from={filters.from} to={filters.to} />
      {events.isPending && <Loading label="Loading events…" />}
      {events.isError && <ProblemPanel error={events.error} onRetry={() => void events.refetch()} />}
      {events.isSuccess && rows.length === 0 && <Empty title="No events match these filters" />}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Audit events, newest first ({rows.length} loaded)</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
                <th scope="col">Outcome</th>
                <th scope="col">Status</th>
                <th scope="col">Credits</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((event) => (
                <tr key={event.id}>
                  <td data-label="Time">
                    <Link to="/audit" search={{ ...filters, event: event.id }} aria-label={`Event ${event.seq}: ${event.action} at ${formatDateTime(event.occurredAt)}`}>
                      {formatDateTime(event.occurredAt)}
                    </Link>
                  </td>
                  <td data-label="Actor">
                    <ActorLink actor={event.actor} />
                  </td>
                  <td data-label="Action">
                    <code>{event.action}</code>
                  </td>
                  <td data-label="Resource">
                    <ResourceLink type={event.resourceType} id={event.resourceId} />
                  </td>
                  <td data-label="Outcome">{event.outcome}</td>
                  <td data-label="Status">{event.status}</td>
                  <td data-label="Credits">{event.creditsSpent}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div ref={sentinel} />
      {events.hasNextPage && (
        <Button variant="secondary" busy={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
          Load older events
        </Button>
      )}
      {events.isSuccess && rows.length > 0 && !events.hasNextPage && <p className="muted">That is every matching event.</p>}
      {filters.event && <EventDrawer id={filters.event} onClose={() => setFilters({ event: undefined })} />}
    </section>
  );
}

export function ActorLink({ actor }: { actor: AuditEvent['actor'] }) {
  const can = permissionsOf(useMe().role);
  const name = actor.name ?? (actor.type === 'api_key' ? 'API key' : 'User');
  if (actor.type === 'api_key' && actor.publicId && can.viewKeys) {
    return (
      <Link to="/keys/$publicId" params={{ publicId: actor.publicId }}>
        {name} <span className="muted">(key {actor.publicId})</span>
      </Link>
    );
  }
  if (actor.type === 'user' && can.manageTeam) return <Link to="/team">{name}</Link>;
  return <span>{name}</span>;
}

function AuditFilterForm({ filters, onChange }: { filters: AuditFilters; onChange: (next: Partial<AuditFilters>) => void }) {
  const actions = useQuery(auditActionsQuery);
  const choices = actionChoices(actions.data?.data.map((entry) => entry.action) ?? []);
  const [actor, setActor] = useState(filters.actor ?? '');
  const [resource, setResource] = useState(filters.resourceId ?? '');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    onChange({ actor: actor || undefined, resourceId: resource || undefined });
  };
  return (
    <form role="search" aria-label="Filter audit events" className="filters filters-wide" onSubmit={apply}>
      <TextField label="Actor (key ID or user ID)" value={actor} onChange={(e) => setActor(e.target.value)} onBlur={() => onChange({ actor: actor || undefined })} />
      <SelectField label="Action" value={filters.action ?? ''} onChange={(e) => onChange({ action: e.target.value || undefined })}>
        <option value="">Any action</option>
        {filters.action && !choices.includes(filters.action) && <option value={filters.action}>{filters.action}</option>}
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice.endsWith('.*') ? `${choice} (every ${choice.slice(0, -2)} action)` : choice}
          </option>
        ))}
      </SelectField>
      <SelectField label="Outcome" value={filters.outcome ?? ''} onChange={(e) => onChange({ outcome: (e.target.value || undefined) as AuditFilters['outcome'] })}>
        <option value="">Any outcome</option>
        <option value="success">success</option>
        <option value="denied">denied</option>
        <option value="error">error</option>
      </SelectField>
      <SelectField label="Resource type" value={filters.resourceType ?? ''} onChange={(e) => onChange({ resourceType: e.target.value || undefined })}>
        <option value="">Any resource</option>
        {['api_key', 'user', 'account', 'auth', 'vehicle', 'customer', 'inspection', 'agreement', 'licence_check', 'webhook', 'credits'].map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
      </SelectField>
      <TextField label="Resource ID" value={resource} onChange={(e) => setResource(e.target.value)} onBlur={() => onChange({ resourceId: resource || undefined })} />
      <TextField label="From (UTC)" type="datetime-local" value={toLocalInput(filters.from)} onChange={(e) => onChange({ from: fromLocalInput(e.target.value) })} />
      <TextField label="To (UTC)" type="datetime-local" value={toLocalInput(filters.to)} onChange={(e) => onChange({ to: fromLocalInput(e.target.value) })} />
      <div className="form-actions">
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        <Button
          variant="ghost"
          onClick={() => {
            setActor('');
            setResource('');
            onChange({ actor: undefined, action: undefined, outcome: undefined, resourceType: undefined, resourceId: undefined, from: undefined, to: undefined });
          }}
        >
          Clear filters
        </Button>
      </div>
    </form>
  );
}

function ExportAndVerify({ from, to }: { from?: string; to?: string }) {
  const range = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  const download = useMutation({
    mutationFn: async (format: 'csv' | 'ndjson') => {
      const { blob, filename } = await exportAudit(format, range);
      saveBlob(blob, filename);
      return filename;
    },
  });
  const verify = useMutation({ mutationFn: () => verifyAudit(range) });
  const rangeText = from || to ? `from ${from ? formatDateTime(from) : 'the first event'} to ${to ? formatDateTime(to) : 'now'}` : 'all time';
  return (
    <section className="card" aria-labelledby="export-heading">
      <h2 id="export-heading">Export and verify</h2>
      <p className="muted">For the time range ({rangeText}); the export holds every event in it, whatever the other filters.</p>
      <div className="form-actions">
        <Button variant="secondary" busy={download.isPending && download.variables === 'csv'} onClick={() => download.mutate('csv')}>
          Export CSV
        </Button>
        <Button variant="secondary" busy={download.isPending && download.variables === 'ndjson'} onClick={() => download.mutate('ndjson')}>
          Export NDJSON
        </Button>
        <Button variant="secondary" busy={verify.isPending} onClick={() => verify.mutate()}>
          Verify the chain
        </Button>
      </div>
      <div role="status">
        {download.isSuccess && <p>Saved {download.data}.</p>}
        {verify.data && <VerifyResult result={verify.data} />}
      </div>
      {download.isError && <ProblemPanel error={download.error} />}
      {verify.isError && <ProblemPanel error={verify.error} />}
    </section>
  );
}

function VerifyResult({ result }: { result: Awaited<ReturnType<typeof verifyAudit>> }) {
  if (result.valid) {
    return (
      <p className="notice notice-ok">
        The chain is intact: {result.checked} events were re-hashed and each one follows the one before it, so none was altered, removed or inserted.
      </p>
    );
  }
  return (
    <div className="notice notice-warn">
      <p>
        The chain is broken: {result.checked} events were checked and these parts do not follow. Someone or something changed the stored log; keep an earlier export as
        evidence.
      </p>
      <ul>
        {(result.brokenRanges ?? []).map((range) => (
          <li key={range.fromSeq}>
            events {range.fromSeq}–{range.toSeq}: {range.reason === 'missing' ? 'missing' : 'altered (hash or previous hash does not follow)'}
          </li>
        ))}
        {result.missingFromSeq !== undefined && <li>events from {result.missingFromSeq} on are missing from the end</li>}
      </ul>
    </div>
  );
}

function EventDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const event = useQuery(auditEventQuery(id));
  return (
    <Dialog title={event.data ? `${event.data.action} (event ${event.data.seq})` : 'Audit event'} onClose={onClose} className="drawer">
      {event.isPending && <Loading label="Loading the event…" />}
      {event.isError && <ProblemPanel error={event.error} />}
      {event.data && <EventDetail event={event.data} />}
      <Button onClick={onClose}>Close</Button>
    </Dialog>
  );
}

const show = (value: unknown) => (value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

function EventDetail({ event }: { event: AuditEvent }) {
  const changes = Object.entries(event.changes ?? {});
  return (
    <>
      <dl className="facts">
        <dt>Time</dt>
        <dd>{formatDateTime(event.occurredAt)}</dd>
        <dt>Actor</dt>
        <dd>
          <ActorLink actor={event.actor} />
        </dd>
        <dt>Request</dt>
        <dd>
          <code>
            {event.method} {event.path}
          </code>{' '}
          → {event.status} ({event.outcome})
        </dd>
        <dt>Resource</dt>
        <dd>
          <ResourceLink type={event.resourceType} id={event.resourceId} />
        </dd>
        <dt>Credits</dt>
        <dd>{event.creditsSpent}</dd>
        <dt>Request ID</dt>
        <dd>
          <code>{event.requestId}</code>
        </dd>
        <dt>IP</dt>
        <dd>{event.ip ? <code>{event.ip}</code> : '—'}</dd>
        <dt>User agent</dt>
        <dd>{event.userAgent ?? '—'}</dd>
        <dt>Hash</dt>
        <dd>
          <code className="hash">{event.hash}</code>
        </dd>
        <dt>Previous hash</dt>
        <dd>
          <code className="hash">{event.prevHash}</code>
        </dd>
      </dl>
      <h3>Changes</h3>
      {changes.length === 0 ? (
        <p className="muted">This event records no field changes.</p>
      ) : (
        <table className="diff">
          <caption className="visually-hidden">What changed, before and after</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {changes.map(([field, change]) => (
              <tr key={field}>
                <th scope="row">{field}</th>
                <td className="diff-from">
                  <span className="visually-hidden">before: </span>
                  {show(change.from)}
                </td>
                <td className="diff-to">
                  <span className="visually-hidden">after: </span>
                  {show(change.to)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
