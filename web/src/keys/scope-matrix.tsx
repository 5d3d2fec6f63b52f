import type { Schemas, Scope } from '../../../sdk/index.js';

export type Level = 'none' | 'read' | 'write' | 'manage';
export type ScopeSelection = Record<string, Level>;

const RESOURCE_LABELS: Record<string, string> = {
  vehicles: 'Vehicles',
  customers: 'Customers',
  inspections: 'Inspections',
  agreements: 'Rental agreements',
  licences: 'Licence checks',
  credits: 'Credits',
  audit: 'Audit log',
  webhooks: 'Webhooks',
};

export const resourceLabel = (resource: string) => RESOURCE_LABELS[resource] ?? resource;

/** The catalogue as rows: each resource with the levels it has (read, and write or manage). */
export function resourcesOf(catalogue: Schemas['ScopeCatalogueResponse']): { resource: string; levels: Level[] }[] {
  const rows = new Map<string, Level[]>();
  for (const { name } of catalogue.scopes) {
    const [resource, level] = name.split(':') as [string, Level];
    rows.set(resource, [...(rows.get(resource) ?? []), level]);
  }
  return [...rows].map(([resource, levels]) => ({ resource, levels }));
}

export function emptySelection(catalogue: Schemas['ScopeCatalogueResponse']): ScopeSelection {
  return Object.fromEntries(resourcesOf(catalogue).map(({ resource }) => [resource, 'none']));
}

/** The strongest level per resource among the preset's scopes. */
export function selectionOf(catalogue: Schemas['ScopeCatalogueResponse'], scopes: readonly string[]): ScopeSelection {
  const selection = emptySelection(catalogue);
  for (const scope of scopes) {
    const [resource, level] = scope.split(':') as [string, Level];
    if (selection[resource] === 'none' || level !== 'read') selection[resource] = level;
  }
  return selection;
}

export function scopesOf(selection: ScopeSelection): Scope[] {
  return Object.entries(selection)
    .filter(([, level]) => level !== 'none')
    .map(([resource, level]) => `${resource}:${level}` as Scope);
}

/** Resource × none/read/write, as radio buttons; levels the creator's role lacks are disabled. */
export function ScopeMatrix({
  catalogue,
  value,
  allowed,
  onChange,
  error,
}: {
  catalogue: Schemas['ScopeCatalogueResponse'];
  value: ScopeSelection;
  allowed: ReadonlySet<string>;
  onChange: (value: ScopeSelection) => void;
  error?: string;
}) {
  const rows = resourcesOf(catalogue);
  return (
    <fieldset className={error ? 'field field-invalid' : 'field'} aria-describedby={error ? 'scope-matrix-error' : 'scope-matrix-hint'}>
      <legend>Scopes</legend>
      <p className="field-hint" id="scope-matrix-hint">
        Write includes read. A key never has more power than its creator's role.
      </p>
      <div className="table-wrap">
        <table className="matrix">
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">None</th>
              <th scope="col">Read</th>
              <th scope="col">Write</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ resource, levels }) => {
              const strongest = levels.find((level) => level !== 'read');
              const cells: (Level | undefined)[] = ['none', 'read', strongest];
              return (
                <tr key={resource}>
                  <th scope="row">{resourceLabel(resource)}</th>
                  {cells.map((level, index) =>
                    level ? (
                      <td key={level}>
                        <label className="matrix-cell">
                          <input
                            type="radio"
                            name={`scope-${resource}`}
                            value={level}
                            checked={value[resource] === level}
                            disabled={level !== 'none' && !allowed.has(`${resource}:${level}`)}
                            aria-label={`${resourceLabel(resource)}: ${level}`}
                            onChange={() => onChange({ ...value, [resource]: level })}
                          />
                          {level === 'manage' && <span className="matrix-note">manage</span>}
                        </label>
                      </td>
                    ) : (
                      <td key={`missing-${index}`} className="matrix-none">
                        <span className="visually-hidden">not available</span>
                      </td>
                    ),
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {error && (
        <p className="field-error" id="scope-matrix-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
