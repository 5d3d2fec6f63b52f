import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, type SignedUp } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT signed here, to present what the service would never issue. */
function jwt(claims: Record<string, unknown>, options: { secret: string; alg?: string; header?: Record<string, unknown> }): string {
  const alg = options.alg ?? 'HS256';
  const signingInput = `${base64url({ alg, typ: 'JWT', ...options.header })}.${base64url(claims)}`;
  const hmac = { HS256: 'sha256', HS512: 'sha512' }[alg];
  const signature = hmac ? createHmac(hmac, options.secret).update(signingInput).digest('base64url') : '';
  return `${signingInput}.${signature}`;
}

describe('access tokens: only the service\'s own, unexpired, HS256 tokens authenticate', () => {
  let app: TestApp;
  let owner: SignedUp;
  let secret: string;
  const now = () => Math.floor(Date.now() / 1000);
  const me = (token: string) => app.http().get('/v1/auth/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
    secret = app.config.JWT_SECRET!;
  });
  afterAll(() => app.close());

  const claims = () => ({ typ: 'user', sub: owner.userId, cid: owner.companyId, iss: 'fleetgate', iat: now(), exp: now() + 300 });

  it('accepts the token it issued and one with the same claims and signature scheme', async () => {
    expect((await me(owner.accessToken).expect(200)).body).toMatchObject({ type: 'user', userId: owner.userId });
    expect((await me(jwt(claims(), { secret })).expect(200)).body).toMatchObject({ type: 'user', userId: owner.userId });
  });

  it('refuses a token it accepted once the token expires (a verified token is remembered only until then)', async () => {
    const exp = now() + 2; // valid for at least a second: exp is in whole seconds
    const token = jwt({ ...claims(), exp }, { secret });
    await me(token).expect(200);
    await me(token).expect(200);
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 + 100 - Date.now()));
    expectProblem(await me(token), 401, 'invalid_credentials');
  });

  it.each([
    ['signed with another secret', () => jwt(claims(), { secret: `${secret}-other` })],
    ['with alg none and no signature', () => jwt(claims(), { secret, alg: 'none' })],
    ['signed with HS512 and the right secret', () => jwt(claims(), { secret, alg: 'HS512' })],
    ['expired', () => jwt({ ...claims(), exp: now() - 1 }, { secret })],
    ['without exp', () => jwt({ ...claims(), exp: undefined }, { secret })],
    ['from another issuer', () => jwt({ ...claims(), iss: 'elsewhere' }, { secret })],
    ['without an issuer', () => jwt({ ...claims(), iss: undefined }, { secret })],
    ['of an unknown type', () => jwt({ ...claims(), typ: 'admin' }, { secret })],
    ['naming another company', () => jwt({ ...claims(), cid: '00000000-0000-4000-8000-000000000000' }, { secret })],
    ['with its payload changed after signing', () => {
      const [header, , signature] = jwt(claims(), { secret }).split('.');
      return `${header}.${base64url({ ...claims(), sub: '00000000-0000-4000-8000-000000000000' })}.${signature}`;
    }],
  ])('refuses a token %s: 401 invalid_credentials', async (_case, token) => {
    expectProblem(await me(token()), 401, 'invalid_credentials');
  });
});
