import { queryOptions } from '@tanstack/react-query';
import { ok } from '../../../sdk/index.js';
import { api } from '../api/client.js';

export const accountKeys = {
  all: ['account'] as const,
};

export const accountQuery = queryOptions({
  queryKey: accountKeys.all,
  queryFn: () => ok(api.GET('/v1/account')),
});
