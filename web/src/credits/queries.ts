import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { ok, type Schemas } from '../../../sdk/index.js';
import { api } from '../api/client.js';

export type LedgerEntry = Schemas['LedgerEntryResponse'];
export type Reason = LedgerEntry['reason'];

/** The ledger's filters, as kept in the URL: the API's own (`reason`, `actor`: a user id or a key's publicId). */
export interface LedgerFilters {
  reason?: Reason;
  actor?: string;
}

export const REASONS: Record<Reason, string> = { welcome: 'Welcome credits', top_up: 'Top-up', inspection: 'Inspection', agreement: 'Agreement', refund: 'Refund' };

export function parseLedgerFilters(search: Record<string, unknown>): LedgerFilters {
  const actor = typeof search.actor === 'string' ? search.actor.trim() : '';
  return {
    reason: typeof search.reason === 'string' && search.reason in REASONS ? (search.reason as Reason) : undefined,
    // the API's own rule (letters, digits, dashes), so a pasted address never earns a 400
    actor: /^[A-Za-z0-9-]{1,64}$/.test(actor) ? actor : undefined,
  };
}

export const creditKeys = {
  all: ['credits'] as const,
  balance: ['credits', 'balance'] as const,
  ledger: (filters: LedgerFilters) => ['credits', 'ledger', { reason: filters.reason ?? null, actor: filters.actor ?? null }] as const,
};

export const balanceQuery = queryOptions({ queryKey: creditKeys.balance, queryFn: () => ok(api.GET('/v1/credits')) });

/** The ledger, 100 entries a page, filtered by the server. */
export const ledgerQuery = (filters: LedgerFilters) =>
  infiniteQueryOptions({
    queryKey: creditKeys.ledger(filters),
    queryFn: ({ pageParam }) =>
      ok(
        api.GET('/v1/credits/transactions', {
          params: {
            query: {
              limit: 100,
              ...(filters.reason ? { reason: filters.reason } : {}),
              ...(filters.actor ? { actor: filters.actor } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
