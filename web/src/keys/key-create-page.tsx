import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { ok, type Schemas } from '../../../sdk/index.js';
import { api } from '../api/client.js';
import { useFormSubmission } from '../components/use-field-errors.js';
import { Button } from '../components/Button.js';
import { RadioGroup, TextArea, TextField } from '../components/Field.js';
import { Loading, ProblemPanel } from '../components/States.js';
import { PageHeader } from '../layout.js';
import { useMe } from '../session/session.js';
import { EXPIRY_OPTIONS, type ExpiryChoice, expiryOf } from './expiry.js';
import { keyKeys, scopeCatalogueQuery } from './queries.js';
import { emptySelection, ScopeMatrix, type ScopeSelection, scopesOf, selectionOf } from './scope-matrix.js';
import { SecretPanel } from './secret-panel.js';
import { parseAllowlist, shownSecret, validateKeyForm } from './validation.js';

const PRESET_LABELS: Record<string, string> = {
  'read-only': 'Read-only',
  'inspection-submission': 'Inspection submission',
  'full-fleet-management': 'Full fleet management',
};

export function KeyCreatePage() {
  const catalogue = useQuery(scopeCatalogueQuery);
  const [created, setCreated] = useState<{ publicId: string; name: string; secret: string }>();
  const navigate = useNavigate();
  if (created) {
    return (
      <section>
        <PageHeader title={`Key “${created.name}” created`} />
        <SecretPanel
          secret={created.secret}
          heading="Your new API key"
          onDone={() => void navigate({ to: '/keys/$publicId', params: { publicId: created.publicId } })}
        />
      </section>
    );
  }
  return (
    <section>
      <PageHeader title="Create an API key">
        <Link to="/keys" className="btn btn-ghost">
          Cancel
        </Link>
      </PageHeader>
      {catalogue.isPending && <Loading label="Loading scopes…" />}
      {catalogue.isError && <ProblemPanel error={catalogue.error} onRetry={() => void catalogue.refetch()} />}
      {catalogue.data && <KeyForm catalogue={catalogue.data} onCreated={setCreated} />}
    </section>
  );
}

function KeyForm({
  catalogue,
  onCreated,
}: {
  catalogue: Schemas['ScopeCatalogueResponse'];
  onCreated: (created: { publicId: string; name: string; secret: string }) => void;
}) {
  const me = useMe();
  const queryClient = useQueryClient();
  const allowed = useMemo(() => new Set<string>(me.scopes), [me.scopes]);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [preset, setPreset] = useState('');
  const [selection, setSelection] = useState<ScopeSelection>(() => emptySelection(catalogue));
  const [expiry, setExpiry] = useState<ExpiryChoice>('90d');
  const [customDate, setCustomDate] = useState('');
  const [allowlist, setAllowlist] = useState('');
  const [creditCap, setCreditCap] = useState('');
  const { errors, clear, submit, busy, failure } = useFormSubmission(
    () => validateKeyForm({ name, description, allowlist, creditCap, scopeCount: scopesOf(selection).length, expiresAt: expiryOf(expiry, customDate) }),
    async () => {
      const scopes = scopesOf(selection);
      const expiresAt = expiryOf(expiry, customDate);
      const { fullApiKey, publicId } = await ok(
        api.POST('/v1/api-keys', {
          body: {
            name: name.trim(),
            ...(description.trim() ? { description: description.trim() } : {}),
            scopes,
            ...(typeof expiresAt === 'string' ? { expiresAt } : {}),
            ipAllowlist: parseAllowlist(allowlist),
            ...(creditCap.trim() ? { dailyCreditLimit: Number(creditCap) } : {}),
          },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: keyKeys.lists() });
      onCreated({ publicId, name: name.trim(), secret: shownSecret(fullApiKey) });
    },
  );

  const applyPreset = (presetName: string) => {
    setPreset(presetName);
    clear('scopes', 'preset');
    const found = catalogue.presets.find((candidate) => candidate.name === presetName);
    if (found) setSelection(selectionOf(catalogue, found.scopes));
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      {failure !== undefined && <ProblemPanel error={failure} />}
      <div className="form-grid">
        <TextField label="Name" value={name} onChange={(e) => {
            setName(e.target.value);
            clear('name');
          }} error={errors.name} maxLength={100} hint="1–100 characters, e.g. “Depot tablet integration”." required />
        <TextArea label="Description (optional)" value={description} onChange={(e) => {
            setDescription(e.target.value);
            clear('description');
          }} error={errors.description} rows={2} maxLength={500} />
      </div>
      <div className="field">
        <p className="label" id="preset-label">
          Start from a preset
        </p>
        <div className="preset-row" role="group" aria-labelledby="preset-label">
          {catalogue.presets.map((candidate) => (
            <Button key={candidate.name} variant="secondary" aria-pressed={preset === candidate.name} onClick={() => applyPreset(candidate.name)}>
              {PRESET_LABELS[candidate.name] ?? candidate.name}
            </Button>
          ))}
        </div>
      </div>
      <ScopeMatrix
        catalogue={catalogue}
        value={selection}
        allowed={allowed}
        onChange={(next) => {
          setPreset('');
          setSelection(next);
          clear('scopes', 'preset');
        }}
        error={errors.scopes ?? errors.preset}
      />
      <RadioGroup legend="Expires" name="expiry" value={expiry} options={EXPIRY_OPTIONS} onChange={setExpiry} error={expiry === 'custom' ? undefined : errors.expiresAt} />
      {expiry === 'custom' && <TextField label="Expiry date" type="date" value={customDate} onChange={(e) => {
            setCustomDate(e.target.value);
            clear('expiresAt');
          }} error={errors.expiresAt} />}
      <div className="form-grid">
        <TextArea
          label="IP allowlist (optional)"
          value={allowlist}
          onChange={(e) => {
            setAllowlist(e.target.value);
            clear('ipAllowlist');
          }}
          error={errors.ipAllowlist}
          rows={3}
          hint="One IP address or CIDR range per line. Empty: any address."
          spellCheck={false}
        />
        <TextField
          label="Daily credit cap (optional)"
          inputMode="numeric"
          value={creditCap}
          onChange={(e) => {
            setCreditCap(e.target.value);
            clear('dailyCreditLimit');
          }}
          error={errors.dailyCreditLimit}
          hint="Credits this key may spend per UTC day. Empty: no cap."
        />
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          Create key
        </Button>
      </div>
    </form>
  );
}
