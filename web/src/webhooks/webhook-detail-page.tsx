import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { type FormEvent, useMemo, useState } from 'react';
import { ok } from '../../../sdk/index.js';
import { api } from '../api/client.js';
import { isStatus } from '../api/problems.js';
import { Button } from '../components/Button.js';
import { TextField } from '../components/Field.js';
import { formatDateTime } from '../components/format.js';
import { Empty, Loading, ProblemPanel } from '../components/States.js';
import { PageHeader } from '../layout.js';
import { useMe } from '../session/session.js';
import { type Delivery, deliveriesQuery, DISABLED_REASONS, type Webhook, type WebhookEvent, webhookKeys, webhookQuery } from './queries.js';
import { canManageWebhooks, EventCheckboxes, WebhookSecretPanel } from './webhooks-page.js';

export function WebhookDetailPage() {
  const { id } = useParams({ from: '/webhooks/$id' });
  // polled, so an endpoint the delivery worker disables (410 Gone, failing too long) says so without a reload
  const webhook = useQuery({ ...webhookQuery(id), refetchInterval: 5000 });
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/webhooks">Webhooks</Link> / <code>{id}</code>
      </p>
      {webhook.isPending && <Loading label="Loading the endpoint…" />}
      {webhook.isError && (isStatus(webhook.error, 404) ? <Empty title="No such endpoint" /> : <ProblemPanel error={webhook.error} onRetry={() => void webhook.refetch()} />)}
      {webhook.data && <WebhookDetail webhook={webhook.data} />}
    </section>
  );
}

function WebhookDetail({ webhook }: { webhook: Webhook }) {
  const manage = canManageWebhooks(useMe().role);
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: webhookKeys.all });
  const [events, setEvents] = useState<WebhookEvent[]>(webhook.events);
  const [secret, setSecret] = useState<string>();
  const update = useMutation({
    mutationFn: (body: { events?: WebhookEvent[]; enabled?: boolean }) => ok(api.PATCH('/v1/webhooks/{id}', { params: { path: { id: webhook.id } }, body })),
    onSuccess: refresh,
  });
  const rotate = useMutation({
    mutationFn: () => ok(api.POST('/v1/webhooks/{id}/rotate-secret', { params: { path: { id: webhook.id } } })),
    onSuccess: (rotated) => setSecret(rotated.secret),
  });
  const test = useMutation({
    mutationFn: () => ok(api.POST('/v1/webhooks/{id}/test', { params: { path: { id: webhook.id } } })),
    onSuccess: refresh,
  });
  return (
    <>
      <PageHeader title={webhook.url}>
        {webhook.enabled ? <span className="badge badge-ok">Enabled</span> : <span className="badge badge-warn">Disabled</span>}
        {manage && (
          <>
            <Button busy={test.isPending} onClick={() => test.mutate()} disabled={!webhook.enabled}>
              Send test event
            </Button>
            <Button busy={rotate.isPending} onClick={() => rotate.mutate()}>
              Rotate secret
            </Button>
            <Button variant={webhook.enabled ? 'danger' : 'primary'} busy={update.isPending && update.variables.enabled !== undefined} onClick={() => update.mutate({ enabled: !webhook.enabled })}>
              {webhook.enabled ? 'Disable' : 'Re-enable'}
            </Button>
          </>
        )}
      </PageHeader>
      {!webhook.enabled && (
        <p className="notice notice-warn">
          This endpoint receives no events. {webhook.disabledReason ? DISABLED_REASONS[webhook.disabledReason] : ''} {manage && 'Re-enable it to resume deliveries.'}
        </p>
      )}
      <div role="status">{test.isSuccess && <p className="notice notice-ok">Test event queued; its delivery appears below.</p>}</div>
      {test.isError && <ProblemPanel error={test.error} />}
      {update.isError && <ProblemPanel error={update.error} />}
      {rotate.isError && <ProblemPanel error={rotate.error} />}
      {secret && <WebhookSecretPanel secret={secret} heading="The new signing secret" webhookId={webhook.id} onDone={() => setSecret(undefined)} />}
      {manage && (
        <section className="card" aria-labelledby="events-heading">
          <h2 id="events-heading">Subscribed events</h2>
          <EventCheckboxes value={events} onChange={setEvents} />
          <div className="form-actions">
            <Button variant="primary" busy={update.isPending && update.variables.events !== undefined} disabled={events.length === 0} onClick={() => update.mutate({ events })}>
              Save events
            </Button>
          </div>
        </section>
      )}
      {manage && <RecoverFailed webhook={webhook} />}
      {/* a disabled endpoint takes no retries: re-enable it first */}
      <Deliveries webhookId={webhook.id} manage={manage && webhook.enabled} />
    </>
  );
}

/** `2026-11-25T10:00` (a datetime-local value, read as UTC) for a moment `hours` ago. */
const hoursAgoInput = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString().slice(0, 16);

/** Re-sends every failed delivery since a time (POST /v1/webhooks/{id}/recover), e.g. after an outage of the receiver. */
function RecoverFailed({ webhook }: { webhook: Webhook }) {
  const queryClient = useQueryClient();
  const [since, setSince] = useState(() => hoursAgoInput(24));
  const recover = useMutation({
    mutationFn: (from: string) => ok(api.POST('/v1/webhooks/{id}/recover', { params: { path: { id: webhook.id } }, body: { since: `${from}:00Z` } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhook.id) }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (since) recover.mutate(since);
  };
  return (
    <section className="card" aria-labelledby="recover-heading">
      <h2 id="recover-heading">Recover failed deliveries</h2>
      <form className="filters-inline" onSubmit={submit} aria-label="Recover failed deliveries">
        <TextField
          label="Failed since (UTC)"
          type="datetime-local"
          value={since}
          onChange={(e) => setSince(e.target.value)}
          required
        />
        <div className="form-actions">
          <Button type="submit" variant="secondary" busy={recover.isPending} disabled={!webhook.enabled || !since}>
            Re-send failed deliveries
          </Button>
        </div>
      </form>
      {!webhook.enabled && <p className="field-hint">Re-enable the endpoint first: a disabled endpoint receives nothing.</p>}
      <div role="status">
        {recover.isSuccess && (
          <p className="notice notice-ok">
            {recover.data.queued === 0
              ? 'No failed deliveries since then: nothing to re-send.'
              : `${recover.data.queued} failed ${recover.data.queued === 1 ? 'delivery is' : 'deliveries are'} being sent again; watch them below.`}
          </p>
        )}
      </div>
      {recover.isError && <ProblemPanel error={recover.error} />}
    </section>
  );
}

function Deliveries({ webhookId, manage }: { webhookId: string; manage: boolean }) {
  const queryClient = useQueryClient();
  const deliveries = useInfiniteQuery({ ...deliveriesQuery(webhookId), refetchInterval: 2000 });
  const rows = useMemo(() => deliveries.data?.pages.flatMap((page) => page.data) ?? [], [deliveries.data]);
  const retry = useMutation({
    mutationFn: (deliveryId: string) => ok(api.POST('/v1/webhooks/deliveries/{deliveryId}/retry', { params: { path: { deliveryId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhookId) }),
  });
  return (
    <section className="card" aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">Deliveries</h2>
      {deliveries.isPending && <Loading label="Loading deliveries…" />}
      {deliveries.isError && <ProblemPanel error={deliveries.error} onRetry={() => void deliveries.refetch()} />}
      {deliveries.isSuccess && rows.length === 0 && <p className="muted">No deliveries yet.</p>}
      {retry.isError && <ProblemPanel error={retry.error} />}
      {rows.map((delivery) => (
        <DeliveryItem key={delivery.id} delivery={delivery} manage={manage} retrying={retry.isPending && retry.variables === delivery.id} onRetry={() => retry.mutate(delivery.id)} />
      ))}
      {deliveries.hasNextPage && (
        <Button variant="secondary" busy={deliveries.isFetchingNextPage} onClick={() => void deliveries.fetchNextPage()}>
          Load older deliveries
        </Button>
      )}
    </section>
  );
}

function DeliveryItem({ delivery, manage, retrying, onRetry }: { delivery: Delivery; manage: boolean; retrying: boolean; onRetry: () => void }) {
  const title = `${delivery.eventType} ${formatDateTime(delivery.createdAt)}`;
  return (
    <article className="delivery" aria-label={`Delivery ${title}`}>
      <h3>
        <code>{delivery.eventType}</code> · {delivery.status} · {delivery.attemptCount} {delivery.attemptCount === 1 ? 'attempt' : 'attempts'}
      </h3>
      <p className="muted">
        Event <code>{delivery.eventId}</code>, created {formatDateTime(delivery.createdAt)}
        {delivery.nextAttemptAt && <> · next try {formatDateTime(delivery.nextAttemptAt)}</>}
        {delivery.lastError && <> · last error: {delivery.lastError}</>}
      </p>
      {delivery.attempts.length > 0 && (
        <table className="data-table">
          <caption className="visually-hidden">Attempts of delivery {title}</caption>
          <thead>
            <tr>
              <th scope="col">Attempt</th>
              <th scope="col">When</th>
              <th scope="col">HTTP status</th>
              <th scope="col">Duration</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {delivery.attempts.map((attempt, index) => (
              <tr key={attempt.attemptedAt + String(index)}>
                <td data-label="Attempt">{index + 1}</td>
                <td data-label="When">{formatDateTime(attempt.attemptedAt)}</td>
                <td data-label="HTTP status">{attempt.httpStatus ?? 'no answer'}</td>
                <td data-label="Duration">{attempt.durationMs === null ? '—' : `${attempt.durationMs} ms`}</td>
                <td data-label="Error">{attempt.error ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {manage && delivery.status !== 'succeeded' && (
        <Button className="btn-small" busy={retrying} onClick={onRetry}>
          Retry now
        </Button>
      )}
    </article>
  );
}
