import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { ok, type Schemas } from '../../../sdk/index.js';
import { api } from '../api/client.js';

export type AuditEvent = Schemas['AuditEventResponse'];
export type Outcome = AuditEvent['outcome'];

/** The audit page's filters, as kept in the URL. */
export interface AuditFilters {
  actor?: string;
  action?: string;
  outcome?: Outcome;
  resourceType?: string;
  resourceId?: string;
  from?: string;
  to?: string;
  event?: string;
}

const OUTCOMES: Outcome[] = ['success', 'denied', 'error'];
const text = (value: unknown, max = 200) => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : undefined);
const instant = (value: unknown) => {
  const found = text(value, 40);
  return found && !Number.isNaN(Date.parse(found)) ? found : undefined;
};

export function parseAuditFilters(search: Record<string, unknown>): AuditFilters {
  return {
    actor: text(search.actor, 100),
    action: text(search.action, 100),
    outcome: OUTCOMES.includes(search.outcome as Outcome) ? (search.outcome as Outcome) : undefined,
    resourceType: text(search.resourceType, 50),
    resourceId: text(search.resourceId, 100),
    from: instant(search.from),
    to: instant(search.to),
    event: text(search.event, 100),
  };
}

export const auditKeys = {
  all: ['audit'] as const,
  list: (filters: Omit<AuditFilters, 'event'>) => [...auditKeys.all, 'list', filters] as const,
  event: (id: string) => [...auditKeys.all, 'event', id] as const,
  actions: ['audit', 'actions'] as const,
};

export const auditListQuery = ({ event: _event, ...filters }: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: auditKeys.list(filters),
    queryFn: ({ pageParam }) => ok(api.GET('/v1/audit-logs', { params: { query: { ...filters, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const auditEventQuery = (id: string) =>
  queryOptions({
    queryKey: auditKeys.event(id),
    queryFn: () => ok(api.GET('/v1/audit-logs/{id}', { params: { path: { id } } })),
  });

export const auditActionsQuery = queryOptions({
  queryKey: auditKeys.actions,
  queryFn: () => ok(api.GET('/v1/audit-logs/actions')),
  staleTime: Infinity,
});

/** The catalogue's actions plus one `prefix.*` entry per family (`api_key.*`). */
export function actionChoices(actions: readonly string[]): string[] {
  const prefixes = [...new Set(actions.filter((action) => action.includes('.')).map((action) => `${action.slice(0, action.indexOf('.'))}.*`))];
  return [...prefixes.sort(), ...[...actions].sort()];
}

/**
 * Downloads the export through the typed client (the Authorization header rides along; no token
 * ever goes into a URL) and saves it as a Blob.
 */
export async function exportAudit(format: 'csv' | 'ndjson', range: { from?: string; to?: string }): Promise<{ blob: Blob; filename: string }> {
  const { data, response } = await api.GET('/v1/audit-logs/export', { params: { query: { format, ...range } }, parseAs: 'blob' });
  if (!response.ok || !data) throw new Error(`The export failed (${response.status}).`);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return { blob: data, filename: `fleetgate-audit-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}` };
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const verifyAudit = (range: { from?: string; to?: string }) => ok(api.GET('/v1/audit-logs/verify', { params: { query: range } }));
