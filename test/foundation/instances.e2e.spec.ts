import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCompany } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('several apps in one process', () => {
  let first: TestApp;
  beforeAll(async () => {
    first = await startTestApp();
  });
  afterAll(() => first.close());

  it('each authenticates through its own services, and closing one leaves the other working', async () => {
    const owner = await newCompany(first);
    const second = await startTestApp({ databaseUrl: first.databaseUrl });
    const stranger = await newCompany(second);
    await second.http().get('/v1/auth/me').set(stranger.auth).expect(200);
    await second.close();

    const me = await first.http().get('/v1/auth/me').set(owner.auth).expect(200);
    expect(me.body).toMatchObject({ type: 'user', userId: owner.userId });
  });
});
