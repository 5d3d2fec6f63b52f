import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app.js';

export const PASSWORD = 'correct horse battery staple';

export interface SignedUp {
  companyId: string;
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  auth: { Authorization: string };
}

export const uniqueEmail = (label = 'user') => `${label}-${randomUUID()}@example.co.uk`;

/** A new company with its owner, signed in. */
export async function newCompany(app: TestApp, overrides: Partial<{ companyName: string; email: string }> = {}): Promise<SignedUp> {
  const email = overrides.email ?? uniqueEmail('owner');
  const response = await app
    .http()
    .post('/v1/auth/signup')
    .send({ companyName: overrides.companyName ?? 'Test Fleet Ltd', name: 'Olive Owner', email, password: PASSWORD })
    .expect(201);
  const body = response.body as { company: { id: string }; user: { id: string }; accessToken: string; refreshToken: string };
  return {
    companyId: body.company.id,
    userId: body.user.id,
    email,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    auth: { Authorization: `Bearer ${body.accessToken}` },
  };
}

/** A user of another role in the owner's company, signed in. */
export async function newTeamMember(app: TestApp, owner: SignedUp, role: 'owner' | 'admin' | 'member' | 'auditor'): Promise<SignedUp> {
  const email = uniqueEmail(role);
  const created = await app
    .http()
    .post('/v1/account/users')
    .set(owner.auth)
    .send({ email, name: `A ${role}`, password: PASSWORD, role })
    .expect(201);
  const login = await app.http().post('/v1/auth/login').send({ email, password: PASSWORD }).expect(200);
  const tokens = login.body as { accessToken: string; refreshToken: string };
  return {
    companyId: owner.companyId,
    userId: (created.body as { id: string }).id,
    email,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    auth: { Authorization: `Bearer ${tokens.accessToken}` },
  };
}

/** Asserts the RFC 9457 shape every error shares, and returns the body. */
export function expectProblem(
  response: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
  status: number,
  code: string,
): Record<string, unknown> {
  const { body, headers } = response;
  const summary = JSON.stringify(body);
  if (response.status !== status) throw new Error(`expected ${status} ${code}, got ${response.status}: ${summary}`);
  if (!headers['content-type']?.startsWith('application/problem+json')) throw new Error(`not problem+json: ${headers['content-type']}`);
  if (body.code !== code) throw new Error(`expected code ${code}, got ${summary}`);
  if (body.status !== status || typeof body.title !== 'string' || typeof body.type !== 'string') throw new Error(`bad problem shape: ${summary}`);
  if (body.requestId !== headers['x-request-id']) throw new Error('problem requestId differs from X-Request-Id');
  return body;
}
