import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ok, type Schemas } from '../../../sdk/index.js';
import { api } from '../api/client.js';
import { Button } from '../components/Button.js';
import { CopyButton } from '../components/CopyButton.js';
import { ConfirmDialog } from '../components/Dialog.js';
import { TextArea } from '../components/Field.js';
import { Loading, ProblemPanel } from '../components/States.js';
import { Switch } from '../components/Switch.js';
import { useFormSubmission, useSubmission } from '../components/use-field-errors.js';
import { keyListQuery } from '../keys/queries.js';
import { tokenExchangeSnippet } from '../keys/snippets.js';
import { checkAllowlist, parseAllowlist } from '../keys/validation.js';
import { PageHeader } from '../layout.js';
import { accountKeys, accountQuery } from './queries.js';
import { useMe } from '../session/session.js';

type Account = Schemas['AccountResponse'];

/** Owner only: the API switch, the company IP allowlist, the base address and snippets. */
export function ApiAccessPage() {
  const account = useQuery(accountQuery);
  return (
    <section>
      <PageHeader title="API access" />
      {account.isPending && <Loading label="Loading account…" />}
      {account.isError && <ProblemPanel error={account.error} onRetry={() => void account.refetch()} />}
      {account.data && (
        <>
          <ApiSwitch account={account.data} />
          <BaseAddress />
          <CompanyAllowlist account={account.data} />
        </>
      )}
    </section>
  );
}

function ApiSwitch({ account }: { account: Account }) {
  const queryClient = useQueryClient();
  const keys = useInfiniteQuery(keyListQuery('', 'all'));
  const activeKeys = keys.data?.pages.flatMap((page) => page.data).filter((key) => key.status === 'ACTIVE').length;
  const [confirming, setConfirming] = useState(false);
  const turnOn = useSubmission();

  const setEnabled = async (enabled: boolean) => {
    const updated = await ok(api.PUT('/v1/account/api-access', { body: { enabled } }));
    queryClient.setQueryData(accountKeys.all, updated);
    setConfirming(false);
  };

  return (
    <section className="card" aria-labelledby="switch-heading">
      <h2 id="switch-heading">On or off</h2>
      <p>
        {account.apiEnabled
          ? 'On: API keys and key tokens of your company are accepted.'
          : 'Off: every request with an API key or key token is refused (403 api_disabled). The console keeps working.'}
      </p>
      {turnOn.failure !== undefined && <ProblemPanel error={turnOn.failure} />}
      <Switch
        label={account.apiEnabled ? 'API access is on' : 'API access is off'}
        checked={account.apiEnabled}
        disabled={turnOn.busy}
        onChange={() => (account.apiEnabled ? setConfirming(true) : void turnOn.run(() => setEnabled(true)))}
      />
      {confirming && (
        <ConfirmDialog
          title="Turn API access off?"
          confirmLabel="Turn API access off"
          variant="danger"
          onConfirm={() => setEnabled(false)}
          onClose={() => setConfirming(false)}
        >
          <p>
            {activeKeys === undefined
              ? 'Every active API key'
              : `${activeKeys} active ${activeKeys === 1 ? 'key stops' : 'keys stop'} working at once`}
            {activeKeys === undefined ? ' stops working at once' : ''}, and so do their access tokens, until you turn access on again.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function BaseAddress() {
  const base = window.location.origin;
  return (
    <section className="card" aria-labelledby="base-heading">
      <h2 id="base-heading">Base address</h2>
      <div className="secret-row">
        <code className="secret">{base}/v1</code>
        <CopyButton text={`${base}/v1`} label="Copy base address" />
      </div>
      <p className="field-hint">
        Send a key as <code>Authorization: Bearer vk_…</code> (or <code>ApiKey vk_…</code>), or exchange it for a one-hour token.{' '}
        <a href="/docs">API reference</a>
      </p>
      <h3>Exchange a key for a token</h3>
      <div className="snippet">
        <pre>
          <code>{tokenExchangeSnippet(base)}</code>
        </pre>
        <CopyButton text={tokenExchangeSnippet(base)} label="Copy token snippet" />
      </div>
      <p className="field-hint">
        Ready-made snippets with the key filled in appear when you <Link to="/keys/new">create a key</Link>.
      </p>
    </section>
  );
}

function CompanyAllowlist({ account }: { account: Account }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState(account.ipAllowlist.join('\n'));
  const [saved, setSaved] = useState(false);
  const { errors, submit, busy, failure } = useFormSubmission(
    () => {
      setSaved(false);
      return { cidrs: checkAllowlist(parseAllowlist(text)) };
    },
    async () => {
      const updated = await ok(api.PUT('/v1/account/ip-allowlist', { body: { cidrs: parseAllowlist(text) } }));
      queryClient.setQueryData(accountKeys.all, updated);
      setText(updated.ipAllowlist.join('\n'));
      setSaved(true);
    },
  );
  const me = useMe();
  const keys = useInfiniteQuery(keyListQuery('', 'all'));
  const seenIps = [
    ...new Set(
      keys.data?.pages
        .flatMap((page) => page.data)
        .map((key) => key.lastUsedIp)
        .filter((ip): ip is string => Boolean(ip)),
    ),
  ];

  return (
    <section className="card" aria-labelledby="allowlist-heading">
      <h2 id="allowlist-heading">Company IP allowlist</h2>
      <p>
        API keys and key tokens are accepted only from these addresses (on top of each key's own list). It does not apply to the console, so
        you cannot lock yourself out.
      </p>
      <p className="notice">
        This server sees you calling from <code className="chip">{me.ip}</code>.
        {seenIps.length > 0 && (
          <> Your keys were last used from: {seenIps.map((ip) => <code key={ip} className="chip">{ip}</code>)}.</>
        )}{' '}
        Include the addresses your systems call the API from.
      </p>
      <form onSubmit={submit} noValidate>
        {failure !== undefined && <ProblemPanel error={failure} />}
        <TextArea
          label="Allowed addresses"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setSaved(false);
          }}
          error={errors.cidrs}
          rows={4}
          spellCheck={false}
          hint="One IP address or CIDR range per line, e.g. 203.0.113.0/24 or 2001:db8::/32. Empty: any address."
        />
        <div className="form-actions">
          <span role="status" className="saved">
            {saved ? 'Saved' : ''}
          </span>
          <Button type="submit" variant="primary" busy={busy}>
            Save allowlist
          </Button>
        </div>
      </form>
    </section>
  );
}
