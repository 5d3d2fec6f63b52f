import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { type ApiKeyView, ok } from '../../../sdk/index.js';
import { api } from '../api/client.js';

export type KeyStatusFilter = 'active' | 'revoked' | 'expired' | 'all';

/** One query-key factory for the keys area. */
export const keyKeys = {
  all: ['keys'] as const,
  lists: () => [...keyKeys.all, 'list'] as const,
  list: (q: string, status: KeyStatusFilter) => [...keyKeys.lists(), { q, status }] as const,
  detail: (publicId: string) => [...keyKeys.all, 'detail', publicId] as const,
  usage: (publicId: string) => [...keyKeys.all, 'usage', publicId] as const,
  events: (publicId: string) => [...keyKeys.all, 'events', publicId] as const,
  scopes: ['scopes'] as const,
};

const SERVER_STATUS = { active: 'ACTIVE', revoked: 'REVOKED', expired: 'EXPIRED' } as const;

/** The company's keys, 100 a page, searched (`q`) and filtered by status on the server. */
export const keyListQuery = (q: string, status: KeyStatusFilter) =>
  infiniteQueryOptions({
    queryKey: keyKeys.list(q, status),
    queryFn: ({ pageParam }) =>
      ok(
        api.GET('/v1/api-keys', {
          params: {
            query: {
              limit: 100,
              ...(status === 'all' ? { includeRevoked: true } : { status: SERVER_STATUS[status] }),
              ...(q.trim() ? { q: q.trim() } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const keyQuery = (publicId: string) =>
  queryOptions({
    queryKey: keyKeys.detail(publicId),
    queryFn: async (): Promise<ApiKeyView> => ok(api.GET('/v1/api-keys/{publicId}', { params: { path: { publicId } } })),
  });

export const keyUsageQuery = (publicId: string, granularity: 'hour' | 'day') =>
  queryOptions({
    queryKey: [...keyKeys.usage(publicId), granularity],
    queryFn: () => ok(api.GET('/v1/api-keys/{publicId}/usage', { params: { path: { publicId }, query: { granularity } } })),
  });

/** Events about the key (create, edit, rotate…) or by it (its requests), 20 newest. */
export const keyEventsQuery = (publicId: string, side: 'about' | 'by') =>
  queryOptions({
    queryKey: [...keyKeys.events(publicId), side],
    queryFn: () =>
      ok(
        api.GET('/v1/audit-logs', {
          params: { query: side === 'by' ? { actor: publicId, limit: 20 } : { resourceType: 'api_key', resourceId: publicId, limit: 20 } },
        }),
      ),
  });

export const scopeCatalogueQuery = queryOptions({
  queryKey: keyKeys.scopes,
  queryFn: () => ok(api.GET('/v1/scopes')),
  staleTime: Infinity,
});

/** Every active key (all pages), for the hygiene view. */
export const activeKeysQuery = queryOptions({
  queryKey: [...keyKeys.lists(), 'hygiene'] as const,
  queryFn: async () => {
    const keys: ApiKeyView[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok(api.GET('/v1/api-keys', { params: { query: { status: 'ACTIVE', limit: 100, ...(cursor ? { cursor } : {}) } } }));
      keys.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return keys;
  },
});
