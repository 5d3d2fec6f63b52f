import type { Role } from './session.js';

/** What each role may do in the console (API.md §2), so pages show only what works. */
export function permissionsOf(role: Role) {
  return {
    manageApiAccess: role === 'owner',
    manageTeam: role === 'owner',
    viewKeys: role === 'owner' || role === 'admin' || role === 'auditor',
    manageKeys: role === 'owner' || role === 'admin',
    readAudit: role !== 'member',
    viewWebhooks: role !== 'member',
    // vehicles, customers, inspections, agreements and licence checks: every role reads fleet data
    readRecords: role === 'owner' || role === 'admin' || role === 'member' || role === 'auditor',
  };
}

export type Permissions = ReturnType<typeof permissionsOf>;

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  auditor: 'Auditor',
};

export const ROLE_SUMMARIES: Record<Role, string> = {
  owner: 'Everything: API access, IP allowlist, team, top-ups, keys, webhooks, data and audit.',
  admin: 'Keys, webhooks, all fleet data, audit read. Not API access, allowlist, team or top-ups.',
  member: 'Fleet data read and write (vehicles, customers, inspections, agreements, licences), credits read.',
  auditor: 'Read-only on everything, including the audit log.',
};
