import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type ApiKeyView, ok } from '../../../sdk/index.js';
import { api } from '../api/client.js';
import { ConfirmDialog } from '../components/Dialog.js';
import { RadioGroup } from '../components/Field.js';
import { keyKeys } from './queries.js';
import { shownSecret } from './validation.js';

type Grace = '0' | '3600' | '86400';

const GRACE_OPTIONS: { value: Grace; label: string }[] = [
  { value: '0', label: 'Stop the old secret now' },
  { value: '3600', label: 'Keep it working for 1 hour' },
  { value: '86400', label: 'Keep it working for 24 hours' },
];

/** Rotation: a new secret (returned to the caller, who shows it once) and a grace choice for the old one. */
export function RotateDialog({ apiKey, onClose, onRotated }: { apiKey: ApiKeyView; onClose: () => void; onRotated: (secret: string) => void }) {
  const queryClient = useQueryClient();
  const [grace, setGrace] = useState<Grace>('3600');
  const rotate = async () => {
    const rotated = await ok(
      api.POST('/v1/api-keys/{publicId}/rotate', { params: { path: { publicId: apiKey.publicId } }, body: { gracePeriodSeconds: Number(grace) } }),
    );
    await queryClient.invalidateQueries({ queryKey: keyKeys.all });
    onRotated(shownSecret(rotated.fullApiKey));
  };
  return (
    <ConfirmDialog title={`Rotate “${apiKey.name}”`} confirmLabel="Rotate key" onConfirm={rotate} onClose={onClose}>
      <p>A new secret replaces the current one. Scopes and settings stay the same.</p>
      <RadioGroup legend="The old secret" name="grace" value={grace} options={GRACE_OPTIONS} onChange={setGrace} />
    </ConfirmDialog>
  );
}

export function RevokeDialog({ apiKey, onClose }: { apiKey: ApiKeyView; onClose: () => void }) {
  const queryClient = useQueryClient();
  const revoke = async () => {
    await ok(api.DELETE('/v1/api-keys/{publicId}', { params: { path: { publicId: apiKey.publicId } } }));
    await queryClient.invalidateQueries({ queryKey: keyKeys.all });
    onClose();
  };
  return (
    <ConfirmDialog title={`Revoke “${apiKey.name}”?`} confirmLabel="Revoke key" variant="danger" onConfirm={revoke} onClose={onClose}>
      <p>
        Every request with this key and its tokens is refused from the next one on. <strong>Revoking cannot be undone</strong>: to restore
        access, create a new key.
      </p>
    </ConfirmDialog>
  );
}
