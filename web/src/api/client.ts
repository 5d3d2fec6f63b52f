import { createFleetgateClient, ok } from '../../../sdk/index.js';

/**
 * The console's one way to the API: the typed client, with the access token held in memory only.
 * The refresh token lives in the httpOnly `fleetgate_refresh` cookie (session: "cookie"), which
 * scripts cannot read; the X-Requested-With header is the CSRF proof the server asks for with it.
 */
const CONSOLE_HEADER = { 'X-Requested-With': 'fleetgate-console' };
const REFRESH_AHEAD_MS = 60_000;

interface HeldToken {
  value: string;
  expiresAt: number;
}

let held: HeldToken | undefined;
let refreshing: Promise<string | undefined> | undefined;
const endListeners = new Set<() => void>();

const baseUrl = typeof window === 'undefined' ? '' : window.location.origin;

/** Public calls (sign-in) and the session's own refresh: no bearer token. */
export const publicApi = createFleetgateClient({ baseUrl, headers: CONSOLE_HEADER, credentials: 'same-origin' });

const credential = async (): Promise<string | undefined> => {
  if (held && held.expiresAt - Date.now() > REFRESH_AHEAD_MS) return held.value;
  return refreshSession();
};

/** Calls made as the signed-in user. */
export const api = createFleetgateClient({ baseUrl, headers: CONSOLE_HEADER, credentials: 'same-origin', credential });

api.use({
  onResponse({ response }) {
    // an access token the server no longer accepts (user removed, family revoked): the session is over
    if (response.status === 401) endSession();
    return undefined;
  },
});

export function holdAccessToken(accessToken: string, expiresIn: number): void {
  held = { value: accessToken, expiresAt: Date.now() + expiresIn * 1000 };
}

/** Trades the session cookie for a new access token (one at a time); undefined when there is no session. */
export function refreshSession(): Promise<string | undefined> {
  refreshing ??= ok(publicApi.POST('/v1/auth/refresh', { body: {} }))
    .then(
      (tokens) => {
        holdAccessToken(tokens.accessToken, tokens.expiresIn);
        return tokens.accessToken;
      },
      () => {
        held = undefined;
        return undefined;
      },
    )
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

export async function signOut(): Promise<void> {
  held = undefined;
  await publicApi.POST('/v1/auth/logout', { body: {} });
}

export function onSessionEnd(listener: () => void): () => void {
  endListeners.add(listener);
  return () => endListeners.delete(listener);
}

function endSession(): void {
  held = undefined;
  for (const listener of endListeners) listener();
}
