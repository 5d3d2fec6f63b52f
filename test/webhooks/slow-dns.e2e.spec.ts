import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebhookTargets } from '../../src/webhooks/webhook-target.js';
import { newCompany, type SignedUp } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually, newWebhook } from '../support/webhooks.js';

/** A host whose DNS answer the test holds back until it releases it. */
const SLOW_HOST = 'hooks.slow-dns.test';

/** On the embedded database a transaction holds its single session: one open across a DNS lookup would stall every other request. */
describe('a slow DNS answer for a webhook URL holds no database connection', () => {
  let app: TestApp;
  let owner: SignedUp;
  let other: SignedUp;
  const held: Array<() => void> = [];
  beforeAll(async () => {
    app = await startTestApp();
    [owner, other] = [await newCompany(app), await newCompany(app)];
    const targets = app.app.get(WebhookTargets, { strict: false });
    const system = targets.lookUpHost.bind(targets);
    vi.spyOn(targets, 'lookUpHost').mockImplementation((hostname) =>
      hostname === SLOW_HOST ? new Promise((resolve) => held.push(() => resolve([{ address: '127.0.0.1', family: 4 }]))) : system(hostname),
    );
  });
  afterAll(async () => {
    held.splice(0).forEach((release) => release());
    await app.close();
  });

  /** Sends `write`, waits until it waits on DNS, and proves reads and writes still answer meanwhile. */
  async function whileDnsIsSlow(write: () => Promise<Response>): Promise<Response> {
    let answered = false;
    const pending = write().then((response) => {
      answered = true;
      return response;
    });
    await eventually(() => held.length > 0 || undefined, 15_000, 'the DNS lookup');
    await app.http().get('/v1/webhooks').set(other.auth).expect(200);
    await newWebhook(app, other, 'http://127.0.0.1:9/elsewhere');
    expect(answered).toBe(false);
    held.splice(0).forEach((release) => release());
    return pending;
  }

  it('registers an endpoint while other requests are served', async () => {
    const url = `http://${SLOW_HOST}/fleetgate`;
    const response = await whileDnsIsSlow(() => app.http().post('/v1/webhooks').set(owner.auth).send({ url, events: ['webhook.test'] }));
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ url });
  });

  it('changes an endpoint\'s URL while other requests are served', async () => {
    const endpoint = await newWebhook(app, owner, 'http://127.0.0.1:9/before');
    const url = `http://${SLOW_HOST}/after`;
    const response = await whileDnsIsSlow(() => app.http().patch(`/v1/webhooks/${endpoint.id}`).set(owner.auth).send({ url, description: 'moved' }));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: endpoint.id, url, description: 'moved' });
  });
});
