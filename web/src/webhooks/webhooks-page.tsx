import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ok, type Schemas } from '../../../sdk/index.js';
import { api } from '../api/client.js';
import { fieldErrorsOf } from '../api/problems.js';
import { type FieldErrors, withoutEmpty } from '../auth/validation.js';
import { Button } from '../components/Button.js';
import { CopyButton } from '../components/CopyButton.js';
import { TextField } from '../components/Field.js';
import { formatDateTime } from '../components/format.js';
import { Empty, Loading, ProblemPanel } from '../components/States.js';
import { PageHeader } from '../layout.js';
import { useMe } from '../session/session.js';
import { DISABLED_REASONS, verificationSnippet, type WebhookEvent, WEBHOOK_EVENTS, webhookKeys, webhookListQuery } from './queries.js';

export const canManageWebhooks = (role: string) => role === 'owner' || role === 'admin';

export function WebhooksPage() {
  const me = useMe();
  const manage = canManageWebhooks(me.role);
  const list = useQuery(webhookListQuery);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Schemas['WebhookWithSecretResponse']>();
  return (
    <section>
      <PageHeader title="Webhooks">
        {manage && !creating && !created && (
          <Button variant="primary" onClick={() => setCreating(true)}>
            Add endpoint
          </Button>
        )}
      </PageHeader>
      {created && <WebhookSecretPanel secret={created.secret} heading="Your endpoint's signing secret" webhookId={created.id} onDone={() => setCreated(undefined)} />}
      {creating && (
        <CreateWebhookForm
          onCancel={() => setCreating(false)}
          onCreated={(webhook) => {
            setCreating(false);
            setCreated(webhook);
          }}
        />
      )}
      {list.isPending && <Loading label="Loading endpoints…" />}
      {list.isError && <ProblemPanel error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && list.data.data.length === 0 && (
        <Empty title="No webhook endpoints yet">
          <p>Endpoints receive signed events such as inspection.completed or credits.low.</p>
        </Empty>
      )}
      {list.data && list.data.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Webhook endpoints</caption>
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">State</th>
                <th scope="col">Events</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((webhook) => (
                <tr key={webhook.id}>
                  <td data-label="Endpoint">
                    <Link to="/webhooks/$id" params={{ id: webhook.id }}>
                      {webhook.url}
                    </Link>
                    {webhook.description && <p className="field-hint">{webhook.description}</p>}
                  </td>
                  <td data-label="State">
                    {webhook.enabled ? <span className="badge badge-ok">Enabled</span> : <span className="badge badge-warn">Disabled</span>}
                    {!webhook.enabled && webhook.disabledReason && <p className="field-hint">{DISABLED_REASONS[webhook.disabledReason]}</p>}
                  </td>
                  <td data-label="Events">{webhook.events.join(', ')}</td>
                  <td data-label="Created">{formatDateTime(webhook.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function EventCheckboxes({ value, onChange, error }: { value: WebhookEvent[]; onChange: (next: WebhookEvent[]) => void; error?: string }) {
  return (
    <fieldset className={error ? 'field field-invalid' : 'field'}>
      <legend>Events</legend>
      <div className="checkbox-grid">
        {WEBHOOK_EVENTS.map((event) => (
          <label key={event.name} className="radio">
            <input
              type="checkbox"
              checked={value.includes(event.name)}
              onChange={(e) => onChange(e.target.checked ? [...value, event.name] : value.filter((name) => name !== event.name))}
            />
            {event.label} <code className="muted">{event.name}</code>
          </label>
        ))}
      </div>
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}

function CreateWebhookForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (webhook: Schemas['WebhookWithSecretResponse']) => void }) {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['inspection.completed']);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation({
    mutationFn: () => ok(api.POST('/v1/webhooks', { body: { url: url.trim(), events, ...(description.trim() ? { description: description.trim() } : {}) } })),
    onSuccess: async (webhook) => {
      await queryClient.invalidateQueries({ queryKey: webhookKeys.all });
      onCreated(webhook);
    },
    onError: (error) => setErrors(fieldErrorsOf(error)),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = withoutEmpty({
      url: /^https?:\/\/\S+$/.test(url.trim()) ? undefined : 'Enter an https:// address.',
      events: events.length === 0 ? 'Choose at least one event.' : undefined,
    });
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate();
  };
  return (
    <section className="card" aria-labelledby="add-webhook-heading">
      <h2 id="add-webhook-heading">Add an endpoint</h2>
      <form className="form" onSubmit={submit} noValidate aria-label="Add an endpoint">
        <TextField label="URL" type="url" value={url} onChange={(e) => setUrl(e.target.value)} error={errors.url} placeholder="https://example.com/fleetgate" required />
        <TextField label="Description (optional)" value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} />
        <EventCheckboxes value={events} onChange={setEvents} error={errors.events} />
        {create.isError && <ProblemPanel error={create.error} />}
        <div className="form-actions">
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Add endpoint
          </Button>
        </div>
      </form>
    </section>
  );
}

/** The signing secret, shown once, with the receiver's verification snippet. */
export function WebhookSecretPanel({ secret, heading, webhookId, onDone }: { secret: string; heading: string; webhookId: string; onDone: () => void }) {
  return (
    <section className="secret-panel" aria-labelledby="webhook-secret-heading">
      <h2 id="webhook-secret-heading">{heading}</h2>
      <p className="notice notice-warn">Copy this secret now. It is shown only once.</p>
      <div className="secret-row">
        <code className="secret" aria-label="Signing secret">
          {secret}
        </code>
        <div className="secret-actions">
          <CopyButton text={secret} label="Copy secret" />
        </div>
      </div>
      <h3>Verify deliveries</h3>
      <p className="field-hint">Every delivery is signed per Standard Webhooks; check it with the standardwebhooks package before trusting it.</p>
      <div className="snippet">
        <pre>
          <code>{verificationSnippet(secret)}</code>
        </pre>
        <CopyButton text={verificationSnippet(secret)} label="Copy verification snippet" />
      </div>
      <div className="form-actions">
        <Link to="/webhooks/$id" params={{ id: webhookId }} className="btn btn-secondary">
          Open the endpoint
        </Link>
        <Button variant="primary" onClick={onDone}>
          I have saved the secret
        </Button>
      </div>
    </section>
  );
}
