import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCompany, type SignedUp } from '../support/factories.js';
import { enableApi, keyAuth, newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Schema {
  properties?: Record<string, { example?: unknown }>;
}
const document = JSON.parse(readFileSync('openapi.json', 'utf8')) as { components: { schemas: Record<string, Schema> } };

/** The request body the document's examples spell out, property by property. */
function exampleOf(schemaName: string): Record<string, unknown> {
  const properties = document.components.schemas[schemaName].properties ?? {};
  return Object.fromEntries(Object.entries(properties).filter(([, property]) => property.example !== undefined).map(([name, property]) => [name, property.example]));
}

describe('the examples in openapi.json', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
    await enableApi(app, owner);
  });
  afterAll(() => app.close());

  it('creates a key from the create-key example, and the key works for its caller', async () => {
    const body = exampleOf('CreateApiKeyRequest');
    expect(body).toMatchObject({ preset: 'read-only' });
    const created = await app.http().post('/v1/api-keys').set(owner.auth).send(body).expect(201);
    const key = created.body as { fullApiKey: string };
    await app.http().get('/v1/auth/me').set(keyAuth(key.fullApiKey)).expect(200);
  });

  it('edits a key with the edit-key example, and the company allowlist example leaves the owner in', async () => {
    const key = await newKey(app, owner);
    await app.http().patch(`/v1/api-keys/${key.publicId}`).set(owner.auth).send(exampleOf('UpdateApiKeyRequest')).expect(200);
    await app.http().get('/v1/auth/me').set(key.auth).expect(200);
    await app.http().put('/v1/account/ip-allowlist').set(owner.auth).send(exampleOf('IpAllowlistRequest')).expect(200);
    await app.http().get('/v1/auth/me').set(key.auth).expect(200);
  });

  it('signs up and logs in with the sign-up and login examples', async () => {
    const signup = exampleOf('SignupRequest');
    expect(Object.keys(signup).length).toBeGreaterThan(0);
    const email = `example-${Date.now()}@example.co.uk`;
    await app.http().post('/v1/auth/signup').send({ ...signup, email }).expect(201);
  });
});
