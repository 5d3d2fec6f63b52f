import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ok, type Schemas } from '../../../sdk/index.js';
import { api } from '../api/client.js';
import { fieldErrorsOf } from '../api/problems.js';
import { Button } from '../components/Button.js';
import { CopyButton } from '../components/CopyButton.js';
import { Dialog } from '../components/Dialog.js';
import { TextArea } from '../components/Field.js';
import { Loading, ProblemPanel } from '../components/States.js';
import { Switch } from '../components/Switch.js';
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
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const setEnabled = async (enabled: boolean) => {
    setBusy(true);
    setFailure(undefined);
    try {
      const updated = await ok(api.PUT('/v1/account/api-access', { body: { enabled } }));
      queryClient.setQueryData(accountKeys.all, updated);
      setConfirming(false);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="switch-heading">
      <h2 id="switch-heading">On or off</h2>
      <p>
        {account.apiEnabled
          ? 'On: API keys and key tokens of your company are accepted.'
          : 'Off: every request with an API key or key token is refused (403 api_disabled). The console keeps working.'}
      </p>
      {failure !== undefined && !confirming && <ProblemPanel error={failure} />}
      <Switch
        label={account.apiEnabled ? 'API access is on' : 'API access is off'}
        checked={account.apiEnabled}
        disabled={busy}
        onChange={() => (account.apiEnabled ? setConfirming(true) : void setEnabled(true))}
      />
      {confirming && (
        <Dialog title="Turn API access off?" onClose={() => setConfirming(false)}>
          <p>
            {activeKeys === undefined
              ? 'Every active API key'
              : `${activeKeys} active ${activeKeys === 1 ? 'key stops' : 'keys stop'} working at once`}
            {activeKeys === undefined ? ' stops working at once' : ''}, and so do their access tokens, until you turn access on again.
          </p>
          {failure !== undefined && <ProblemPanel error={failure} />}
          <div className="form-actions">
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button variant="danger" busy={busy} onClick={() => void setEnabled(false)}>
              Turn API access off
            </Button>
          </div>
        </Dialog>
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
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
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

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const cidrs = parseAllowlist(text);
    const problem = checkAllowlist(cidrs);
    setError(problem);
    setSaved(false);
    if (problem) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const updated = await ok(api.PUT('/v1/account/ip-allowlist', { body: { cidrs } }));
      queryClient.setQueryData(accountKeys.all, updated);
      setText(updated.ipAllowlist.join('\n'));
      setSaved(true);
    } catch (caught) {
      setFailure(caught);
      setError(fieldErrorsOf(caught).cidrs);
    } finally {
      setBusy(false);
    }
  };

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
      <form onSubmit={(event) => void save(event)} noValidate>
        {failure !== undefined && <ProblemPanel error={failure} />}
        <TextArea
          label="Allowed addresses"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setSaved(false);
          }}
          error={error}
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
