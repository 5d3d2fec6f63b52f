import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ok, type Schemas } from '../../../sdk/index.js';
import { api, holdAccessToken, onSessionEnd, publicApi, refreshSession, signOut as endServerSession } from '../api/client.js';

export type Me = Schemas['MeResponse'];
export type Role = NonNullable<Me['role']>;

type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'signed-in'; me: Me & { role: Role; userId: string } };

export interface SignUpInput {
  companyName: string;
  name: string;
  email: string;
  password: string;
}

interface SessionApi {
  state: SessionState;
  logIn: (email: string, password: string) => Promise<void>;
  signUp: (input: SignUpInput) => Promise<void>;
  logOut: () => Promise<void>;
}

const SessionContext = createContext<SessionApi | undefined>(undefined);

async function whoAmI(): Promise<SessionState> {
  const me = await ok(api.GET('/v1/auth/me'));
  if (me.type !== 'user' || !me.role || !me.userId) return { status: 'signed-out', notice: 'The console is for user accounts.' };
  return { status: 'signed-in', me: { ...me, role: me.role, userId: me.userId } };
}

/** Who is signed in. The session survives a reload through the refresh cookie, never through storage. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    let live = true;
    void refreshSession()
      .then((token) => (token ? whoAmI() : ({ status: 'signed-out' } as const)))
      .catch(() => ({ status: 'signed-out' }) as const)
      .then((next) => {
        if (live) setState(next);
      });
    const stop = onSessionEnd(() => {
      queryClient.clear();
      setState({ status: 'signed-out', notice: 'Your session has ended. Please log in again.' });
    });
    return () => {
      live = false;
      stop();
    };
  }, [queryClient]);

  const logIn = useCallback(async (email: string, password: string) => {
    const tokens = await ok(publicApi.POST('/v1/auth/login', { body: { email, password, session: 'cookie' } }));
    holdAccessToken(tokens.accessToken, tokens.expiresIn);
    setState(await whoAmI());
  }, []);

  const signUp = useCallback(async (input: SignUpInput) => {
    const created = await ok(publicApi.POST('/v1/auth/signup', { body: { ...input, session: 'cookie' } }));
    holdAccessToken(created.accessToken, created.expiresIn);
    setState(await whoAmI());
  }, []);

  const logOut = useCallback(async () => {
    try {
      await endServerSession();
    } finally {
      queryClient.clear();
      setState({ status: 'signed-out', notice: 'You have logged out.' });
    }
  }, [queryClient]);

  const value = useMemo(() => ({ state, logIn, signUp, logOut }), [state, logIn, signUp, logOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user; only for pages behind the session gate. */
export function useMe(): Me & { role: Role; userId: string } {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe without a signed-in user');
  return state.me;
}
