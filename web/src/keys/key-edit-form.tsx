import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type ApiKeyView, ok } from '../../../sdk/index.js';
import { api } from '../api/client.js';
import { isStatus } from '../api/problems.js';
import { Button } from '../components/Button.js';
import { RadioGroup, TextArea, TextField } from '../components/Field.js';
import { ProblemPanel } from '../components/States.js';
import { useFormSubmission } from '../components/use-field-errors.js';
import { keyKeys } from './queries.js';
import { checkAllowlist, checkCreditCap, checkKeyName, parseAllowlist } from './validation.js';

type ExpiryEdit = 'keep' | 'never' | 'date';

/** PATCH /v1/api-keys/{publicId} (API 1.1): name, description, allowlist, expiry and cap; never scopes. */
export function KeyEditForm({ apiKey, onDone }: { apiKey: ApiKeyView; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(apiKey.name);
  const [description, setDescription] = useState(apiKey.description ?? '');
  const [allowlist, setAllowlist] = useState(apiKey.ipAllowlist.join('\n'));
  const [creditCap, setCreditCap] = useState(apiKey.dailyCreditLimit === null ? '' : String(apiKey.dailyCreditLimit));
  const [expiry, setExpiry] = useState<ExpiryEdit>('keep');
  const [date, setDate] = useState('');
  const expiresAt = () => (expiry === 'date' ? new Date(`${date}T23:59:59Z`) : undefined);
  const { errors, submit, busy, failure } = useFormSubmission(
    () => {
      const expires = expiresAt();
      return {
        name: checkKeyName(name),
        description: description.length > 500 ? 'Use at most 500 characters.' : undefined,
        ipAllowlist: checkAllowlist(parseAllowlist(allowlist)),
        dailyCreditLimit: checkCreditCap(creditCap),
        expiresAt: expires && (Number.isNaN(expires.getTime()) || expires.getTime() <= Date.now()) ? 'Choose a date in the future.' : undefined,
      };
    },
    async () => {
      const expires = expiresAt();
      const updated = await ok(
        api.PATCH('/v1/api-keys/{publicId}', {
          params: { path: { publicId: apiKey.publicId } },
          body: {
            name: name.trim(),
            description: description.trim(),
            ipAllowlist: parseAllowlist(allowlist),
            dailyCreditLimit: creditCap.trim() === '' ? null : Number(creditCap),
            ...(expiry === 'never' ? { expiresAt: null } : expires ? { expiresAt: expires.toISOString() } : {}),
          },
        }),
      );
      queryClient.setQueryData(keyKeys.detail(apiKey.publicId), updated);
      await queryClient.invalidateQueries({ queryKey: keyKeys.lists() });
      await queryClient.invalidateQueries({ queryKey: keyKeys.events(apiKey.publicId) });
      onDone();
    },
  );

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Edit key">
      {failure !== undefined &&
        (isStatus(failure, 404, 405) ? (
          <p className="notice notice-warn" role="alert">
            This server does not support editing keys yet (API 1.1). Rotate or create a new key instead.
          </p>
        ) : (
          <ProblemPanel error={failure} />
        ))}
      <div className="form-grid">
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={100} required />
        <TextArea label="Description" value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} rows={2} maxLength={500} />
        <TextArea
          label="IP allowlist"
          value={allowlist}
          onChange={(e) => setAllowlist(e.target.value)}
          error={errors.ipAllowlist}
          rows={3}
          hint="One IP address or CIDR range per line. Empty: any address."
          spellCheck={false}
        />
        <TextField label="Daily credit cap" inputMode="numeric" value={creditCap} onChange={(e) => setCreditCap(e.target.value)} error={errors.dailyCreditLimit} hint="Empty: no cap." />
      </div>
      <RadioGroup
        legend="Expiry"
        name="edit-expiry"
        value={expiry}
        onChange={setExpiry}
        options={[
          { value: 'keep', label: 'Keep as it is' },
          { value: 'never', label: 'No expiry' },
          { value: 'date', label: 'On a date' },
        ]}
      />
      {expiry === 'date' && <TextField label="Expiry date" type="date" value={date} onChange={(e) => setDate(e.target.value)} error={errors.expiresAt} />}
      <p className="field-hint">Scopes never change: create a new key for other scopes.</p>
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={busy}>
          Save changes
        </Button>
      </div>
    </form>
  );
}
