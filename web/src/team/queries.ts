import { queryOptions, useQuery } from '@tanstack/react-query';
import { ok } from '../../../sdk/index.js';
import { api } from '../api/client.js';

export const teamKeys = {
  all: ['team'] as const,
};

export const teamQuery = queryOptions({
  queryKey: teamKeys.all,
  queryFn: () => ok(api.GET('/v1/account/users', { params: { query: { limit: 100 } } })),
});

/** Team members' names by id, for owners (the only role that may list the team); empty for others. */
export function useTeamNames(enabled: boolean): ReadonlyMap<string, string> {
  const team = useQuery({ ...teamQuery, enabled });
  return new Map(team.data?.data.map((user) => [user.id, user.name]));
}
