import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ok, type Role, type Schemas } from '../../../sdk/index.js';
import { api } from '../api/client.js';
import { checkEmail, checkName, checkPassword } from '../auth/validation.js';
import { useFormSubmission } from '../components/use-field-errors.js';
import { Button } from '../components/Button.js';
import { ConfirmDialog } from '../components/Dialog.js';
import { SelectField, TextField } from '../components/Field.js';
import { formatDate } from '../components/format.js';
import { Empty, Loading, ProblemPanel } from '../components/States.js';
import { keyKeys, keyListQuery } from '../keys/queries.js';
import { PageHeader } from '../layout.js';
import { ROLE_LABELS, ROLE_SUMMARIES } from '../session/permissions.js';
import { useMe } from '../session/session.js';
import { teamKeys, teamQuery } from './queries.js';

type User = Schemas['UserResponse'];
const ROLES: Role[] = ['owner', 'admin', 'member', 'auditor'];

/** Owner only: add people, change their role, remove them. */
export function TeamPage() {
  const team = useQuery(teamQuery);
  const keys = useInfiniteQuery(keyListQuery('', 'all'));
  const [adding, setAdding] = useState(false);
  const activeKeysBy = (userId: string) =>
    keys.data?.pages.flatMap((page) => page.data).filter((key) => key.createdBy === userId && key.status === 'ACTIVE').length;
  return (
    <section>
      <PageHeader title="Team">
        {!adding && (
          <Button variant="primary" onClick={() => setAdding(true)}>
            Add user
          </Button>
        )}
      </PageHeader>
      {adding && <AddUserForm onDone={() => setAdding(false)} />}
      {team.isPending && <Loading label="Loading team…" />}
      {team.isError && <ProblemPanel error={team.error} onRetry={() => void team.refetch()} />}
      {team.data && team.data.data.length === 0 && <Empty title="No users" />}
      {team.data && team.data.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Team members</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Active keys</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {team.data.data.map((user) => (
                <MemberRow key={user.id} user={user} activeKeys={activeKeysBy(user.id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function MemberRow({ user, activeKeys }: { user: User; activeKeys: number | undefined }) {
  const me = useMe();
  const [newRole, setNewRole] = useState<Role>();
  const [removing, setRemoving] = useState(false);
  const isMe = user.id === me.userId;
  return (
    <tr>
      <td data-label="Name">
        {user.name}
        {isMe && <span className="muted"> (you)</span>}
      </td>
      <td data-label="E-mail">{user.email}</td>
      <td data-label="Role">
        <select
          aria-label={`Role of ${user.name}`}
          value={user.role}
          onChange={(event) => setNewRole(event.target.value as Role)}
          className="inline-select"
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </select>
      </td>
      <td data-label="Active keys">{activeKeys ?? '—'}</td>
      <td data-label="Added">{formatDate(user.createdAt)}</td>
      <td data-label="Actions">
        <Button variant="danger" className="btn-small" onClick={() => setRemoving(true)} aria-label={`Remove ${user.name}`}>
          Remove
        </Button>
        {newRole && <ChangeRoleDialog user={user} role={newRole} activeKeys={activeKeys} onClose={() => setNewRole(undefined)} />}
        {removing && <RemoveDialog user={user} activeKeys={activeKeys} onClose={() => setRemoving(false)} />}
      </td>
    </tr>
  );
}

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1, auditor: 0 };

function ChangeRoleDialog({ user, role, activeKeys, onClose }: { user: User; role: Role; activeKeys: number | undefined; onClose: () => void }) {
  const queryClient = useQueryClient();
  const change = async () => {
    await ok(api.PATCH('/v1/account/users/{id}', { params: { path: { id: user.id } }, body: { role } }));
    await Promise.all([queryClient.invalidateQueries({ queryKey: teamKeys.all }), queryClient.invalidateQueries({ queryKey: keyKeys.all })]);
    onClose();
  };
  const narrower = RANK[role] < RANK[user.role] || role === 'auditor';
  return (
    <ConfirmDialog title={`Make ${user.name} ${ROLE_LABELS[role].toLowerCase()}?`} confirmLabel="Change role" onConfirm={change} onClose={onClose}>
      <p>{ROLE_SUMMARIES[role]}</p>
      {narrower && (
        <p className="notice notice-warn">
          The API keys {user.name} created shrink with their role: they keep only the scopes {/^[aeiou]/i.test(ROLE_LABELS[role]) ? 'an' : 'a'} {ROLE_LABELS[role].toLowerCase()} has
          {activeKeys ? ` (${activeKeys} active ${activeKeys === 1 ? 'key' : 'keys'})` : ''}. Integrations using them may start getting 403
          insufficient_scope.
        </p>
      )}
    </ConfirmDialog>
  );
}

function RemoveDialog({ user, activeKeys, onClose }: { user: User; activeKeys: number | undefined; onClose: () => void }) {
  const queryClient = useQueryClient();
  const remove = async () => {
    await ok(api.DELETE('/v1/account/users/{id}', { params: { path: { id: user.id } } }));
    await Promise.all([queryClient.invalidateQueries({ queryKey: teamKeys.all }), queryClient.invalidateQueries({ queryKey: keyKeys.all })]);
    onClose();
  };
  return (
    <ConfirmDialog title={`Remove ${user.name}?`} confirmLabel="Remove user" variant="danger" onConfirm={remove} onClose={onClose}>
      <p>They can no longer sign in, and their sessions end.</p>
      <p className="notice notice-warn">
        {activeKeys === undefined
          ? 'Every API key they created is revoked with them.'
          : activeKeys === 0
            ? 'They have no active API keys.'
            : `${activeKeys} active API ${activeKeys === 1 ? 'key' : 'keys'} they created will be revoked at once.`}
      </p>
    </ConfirmDialog>
  );
}

function AddUserForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [input, setInput] = useState({ name: '', email: '', password: '', role: 'member' as Role });
  const { errors, clear, submit, busy, failure } = useFormSubmission(
    () => ({ name: checkName(input.name, 'their name'), email: checkEmail(input.email), password: checkPassword(input.password) }),
    async () => {
      await ok(api.POST('/v1/account/users', { body: { ...input, name: input.name.trim(), email: input.email.trim() } }));
      await queryClient.invalidateQueries({ queryKey: teamKeys.all });
      onDone();
    },
  );
  const set = (field: keyof typeof input) => (event: { target: { value: string } }) => {
    setInput({ ...input, [field]: event.target.value });
    clear(field);
  };

  return (
    <section className="card" aria-labelledby="add-user-heading">
      <h2 id="add-user-heading">Add a user</h2>
      <form className="form" onSubmit={submit} noValidate>
        {failure !== undefined && <ProblemPanel error={failure} />}
        <div className="form-grid">
          <TextField label="Name" autoComplete="off" value={input.name} onChange={set('name')} error={errors.name} required />
          <TextField label="E-mail" type="email" autoComplete="off" value={input.email} onChange={set('email')} error={errors.email} required />
          <TextField
            label="Initial password"
            type="password"
            autoComplete="new-password"
            value={input.password}
            onChange={set('password')}
            error={errors.password}
            hint="At least 12 characters. Share it with them securely."
            required
          />
          <SelectField label="Role" value={input.role} onChange={set('role')} error={errors.role} hint={ROLE_SUMMARIES[input.role]}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="form-actions">
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy}>
            Add user
          </Button>
        </div>
      </form>
    </section>
  );
}
