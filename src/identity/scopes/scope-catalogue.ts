/**
 * The scope model as data: the catalogue, one table of direct implications (closed transitively once,
 * at load), the presets, and what each user role may do. Guards, key creation and the OpenAPI document
 * all read from here.
 */
export const SCOPE_DESCRIPTIONS = {
  'vehicles:read': 'Read vehicles with their DVLA and MOT data.',
  'vehicles:write': 'Add, update, archive vehicles and refresh their lookup.',
  'customers:read': 'Read customers.',
  'customers:write': 'Create and update customers.',
  'inspections:read': 'Read inspection templates, inspections and their PDFs.',
  'inspections:write': 'Create inspections (1 credit) and sign them off.',
  'agreements:read': 'Read rental agreements and their documents.',
  'agreements:write': 'Create rental agreements (1 credit) and sign them.',
  'licences:read': 'Read saved driver-licence checks.',
  'licences:write': 'Run driver-licence checks.',
  'credits:read': 'Read the credit balance and ledger.',
  'audit:read': 'Read, export and verify the audit log.',
  'webhooks:read': 'Read webhook endpoints and deliveries.',
  'webhooks:manage': 'Create, change, delete and test webhook endpoints; retry deliveries.',
} as const;

export type Scope = keyof typeof SCOPE_DESCRIPTIONS;
export const ALL_SCOPES = Object.keys(SCOPE_DESCRIPTIONS) as Scope[];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPE_DESCRIPTIONS, value);
}

/** Direct implications only; `X:write ⇒ X:read` and `webhooks:manage ⇒ webhooks:read`. */
const DIRECT_IMPLICATIONS: ReadonlyArray<readonly [Scope, Scope]> = [
  ['vehicles:write', 'vehicles:read'],
  ['customers:write', 'customers:read'],
  ['inspections:write', 'inspections:read'],
  ['agreements:write', 'agreements:read'],
  ['licences:write', 'licences:read'],
  ['webhooks:manage', 'webhooks:read'],
];

function transitiveClosure(): ReadonlyMap<Scope, ReadonlySet<Scope>> {
  const closure = new Map<Scope, Set<Scope>>(ALL_SCOPES.map((scope) => [scope, new Set<Scope>()]));
  for (const [from, to] of DIRECT_IMPLICATIONS) closure.get(from)!.add(to);
  let changed = true;
  while (changed) {
    changed = false;
    for (const implied of closure.values()) {
      for (const scope of [...implied]) {
        for (const next of closure.get(scope)!) {
          if (!implied.has(next)) {
            implied.add(next);
            changed = true;
          }
        }
      }
    }
  }
  return closure;
}

/** scope → every scope it implies (not including itself). */
export const IMPLIED_SCOPES = transitiveClosure();

export function expandScopes(scopes: Iterable<Scope>): Set<Scope> {
  const expanded = new Set<Scope>();
  for (const scope of scopes) {
    expanded.add(scope);
    for (const implied of IMPLIED_SCOPES.get(scope) ?? []) expanded.add(implied);
  }
  return expanded;
}

const READ_SCOPES = ALL_SCOPES.filter((scope) => scope.endsWith(':read'));
const FLEET_WRITE_SCOPES: Scope[] = [
  'vehicles:write', 'customers:write', 'inspections:write', 'agreements:write', 'licences:write',
];

export const PRESETS = {
  'read-only': READ_SCOPES.filter((scope) => scope !== 'audit:read'),
  'inspection-submission': ['vehicles:read', 'inspections:write'],
  'full-fleet-management': [...FLEET_WRITE_SCOPES, 'credits:read'],
} as const satisfies Record<string, readonly Scope[]>;

export type PresetName = keyof typeof PRESETS;

export function isPreset(value: string): value is PresetName {
  return Object.hasOwn(PRESETS, value);
}

export const ROLES = ['owner', 'admin', 'member', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** What a user of each role may do through scope-guarded operations (expanded). */
export const ROLE_SCOPES: Readonly<Record<Role, ReadonlySet<Scope>>> = {
  owner: expandScopes(ALL_SCOPES),
  admin: expandScopes(ALL_SCOPES),
  member: expandScopes([...FLEET_WRITE_SCOPES, 'credits:read']),
  auditor: expandScopes(READ_SCOPES),
};
