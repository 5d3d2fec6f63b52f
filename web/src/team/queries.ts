import { queryOptions } from '@tanstack/react-query';
import { ok } from '../../../sdk/index.js';
import { api } from '../api/client.js';

export const teamKeys = {
  all: ['team'] as const,
};

export const teamQuery = queryOptions({
  queryKey: teamKeys.all,
  queryFn: () => ok(api.GET('/v1/account/users', { params: { query: { limit: 100 } } })),
});
