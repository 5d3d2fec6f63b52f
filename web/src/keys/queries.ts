import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { type ApiKeyView, ok } from '../../../sdk/index.js';
import { api, api11 } from '../api/client.js';

export type KeyStatusFilter = 'active' | 'revoked' | 'expired' | 'all';

/** One query-key factory for the keys area. */
export const keyKeys = {
  all: ['keys'] as const,
  lists: () => [...keyKeys.all, 'list'] as const,
  detail: (publicId: string) => [...keyKeys.all, 'detail', publicId] as const,
  usage: (publicId: string) => [...keyKeys.all, 'usage', publicId] as const,
  events: (publicId: string) => [...keyKeys.all, 'events', publicId] as const,
  scopes: ['scopes'] as const,
};

/**
 * Every key of the company, revoked ones included, 100 a page. Search and status filtering happen
 * here in the browser: the 1.0 server refuses `q` and `status` (1.1 adds them; see docs/console-notes.md).
 */
export const keyListQuery = infiniteQueryOptions({
  queryKey: keyKeys.lists(),
  queryFn: ({ pageParam }) =>
    ok(api.GET('/v1/api-keys', { params: { query: { includeRevoked: true, limit: 100, ...(pageParam ? { cursor: pageParam } : {}) } } })),
  initialPageParam: undefined as string | undefined,
  getNextPageParam: (page) => page.nextCursor ?? undefined,
});

export const keyQuery = (publicId: string) =>
  queryOptions({
    queryKey: keyKeys.detail(publicId),
    queryFn: async (): Promise<ApiKeyView> => ok(api.GET('/v1/api-keys/{publicId}', { params: { path: { publicId } } })),
  });

export const keyUsageQuery = (publicId: string) =>
  queryOptions({
    queryKey: keyKeys.usage(publicId),
    queryFn: () => ok(api11.GET('/v1/api-keys/{publicId}/usage', { params: { path: { publicId }, query: { granularity: 'hour' } } })),
    retry: false,
  });

export const keyEventsQuery = (publicId: string) =>
  queryOptions({
    queryKey: keyKeys.events(publicId),
    queryFn: () => ok(api.GET('/v1/audit-logs', { params: { query: { resourceType: 'api_key', resourceId: publicId, limit: 20 } } })),
  });

export const scopeCatalogueQuery = queryOptions({
  queryKey: keyKeys.scopes,
  queryFn: () => ok(api.GET('/v1/scopes')),
  staleTime: Infinity,
});

export function matchesFilters(key: ApiKeyView, q: string, status: KeyStatusFilter): boolean {
  if (status !== 'all' && key.status !== status.toUpperCase()) return false;
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return [key.name, key.description ?? '', key.publicId].some((text) => text.toLowerCase().includes(needle));
}
