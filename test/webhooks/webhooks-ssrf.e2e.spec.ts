import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/platform/database/uuid-entity.js';
import { WebhookDeliveryWorker } from '../../src/webhooks/webhook-delivery.worker.js';
import { generateSigningSecret, SecretBox } from '../../src/webhooks/webhook-signing.js';
import { expectProblem, newCompany, type SignedUp } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { listDeliveries, WebhookReceiver } from '../support/webhooks.js';

describe('webhooks: SSRF protection (private targets not allowed)', () => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  let owner: SignedUp;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    // No workers here: on a shared PostgreSQL this app must not claim other test files' deliveries.
    app = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false', JOBS_ENABLED: 'false' } });
    owner = await newCompany(app);
  });
  afterAll(async () => {
    await app.close();
    await receiver.stop();
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://10.0.0.1/hook',
    'https://172.16.0.1/hook',
    'https://192.168.0.10/hook',
    'https://100.64.0.1/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]/hook',
    'https://[fd00:ec2::254]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::127.0.0.1]/hook',
    'https://[::7f00:1]/hook',
    'https://[64:ff9b::a00:1]/hook',
    'https://[2002:c0a8:101::1]/hook',
    'https://localhost/hook',
    'https://0.0.0.0/hook',
  ])('refuses %s at creation with 400 naming url', async (url) => {
    const response = await app.http().post('/v1/webhooks').set(owner.auth).send({ url, events: ['credits.low'] });
    const problem = expectProblem(response, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ field: 'url', message: expect.stringMatching(/private, loopback, link-local or reserved/) }]);
  });

  it('refuses plain http', async () => {
    const response = await app.http().post('/v1/webhooks').set(owner.auth).send({ url: 'http://93.184.215.14/hook', events: ['credits.low'] });
    expect(expectProblem(response, 400, 'validation_failed').errors).toEqual([{ field: 'url', message: 'must use https' }]);
    const list = await app.http().get('/v1/webhooks').set(owner.auth).expect(200);
    expect(list.body.data).toEqual([]);
  });

  it('refuses a private target again at delivery time: the attempt records the refusal and no request is made', async () => {
    const route = receiver.route();
    // As if the host resolved to a public address at creation and to loopback now (DNS rebinding).
    const target = route.url.replace('http://127.0.0.1', 'https://localhost');
    const endpointId = newId();
    const eventId = newId();
    const deliveryId = newId();
    const sealed = app.app.get(SecretBox).seal(generateSigningSecret());
    await app.dataSource.query(
      `INSERT INTO webhook_endpoints (id, company_id, url, events, secret_ciphertext) VALUES ($1, $2, $3, '{webhook.test}', $4)`,
      [endpointId, owner.companyId, target, sealed],
    );
    await app.dataSource.query(`INSERT INTO outbox_events (id, company_id, type, data) VALUES ($1, $2, 'webhook.test', $3)`, [
      eventId,
      owner.companyId,
      { id: endpointId },
    ]);
    await app.dataSource.query(`INSERT INTO webhook_deliveries (id, company_id, endpoint_id, event_id) VALUES ($1, $2, $3, $4)`, [
      deliveryId,
      owner.companyId,
      endpointId,
      eventId,
    ]);

    // the last step of the schedule: no retry job is queued (no worker runs in this app)
    await app.app.get(WebhookDeliveryWorker).deliver({ deliveryId, step: 3 });

    const [delivery] = await listDeliveries(app, owner, endpointId);
    expect(delivery).toMatchObject({ id: deliveryId, status: 'failed', attemptCount: 1 });
    expect(delivery.attempts).toEqual([
      { attemptedAt: expect.any(String), httpStatus: null, durationMs: 0, error: expect.stringMatching(/^target refused: .*loopback/) },
    ]);
    expect(route.received()).toEqual([]);
  });
});
