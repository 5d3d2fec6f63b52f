import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, newCompany, newTeamMember } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  eventually,
  HANG,
  listDeliveries,
  newWebhook,
  verifyDelivery,
  waitForDelivery,
  WebhookReceiver,
} from '../support/webhooks.js';

describe('webhooks', () => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
    await receiver.stop();
  });

  describe('POST /v1/webhooks', () => {
    it('registers an endpoint and shows its whsec_ secret once', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      const response = await app
        .http()
        .post('/v1/webhooks')
        .set(owner.auth)
        .send({ url: route.url, events: ['inspection.completed', 'agreement.signed'], description: 'Ops' })
        .expect(201);
      expect(response.body).toMatchObject({
        id: expect.any(String),
        url: route.url,
        events: ['inspection.completed', 'agreement.signed'],
        description: 'Ops',
        enabled: true,
        disabledReason: null,
      });
      const secret = response.body.secret as string;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64').length).toBeGreaterThanOrEqual(24);

      const one = await app.http().get(`/v1/webhooks/${response.body.id}`).set(owner.auth).expect(200);
      const list = await app.http().get('/v1/webhooks').set(owner.auth).expect(200);
      expect(one.body).not.toHaveProperty('secret');
      expect(list.body).toMatchObject({ data: [{ id: response.body.id }], nextCursor: null });
      expect(JSON.stringify([one.body, list.body])).not.toContain(secret.slice('whsec_'.length));
    });

    it('refuses unknown event types, unknown properties and malformed URLs, naming the field', async () => {
      const owner = await newCompany(app);
      const url = receiver.route().url;
      const badEvent = await app.http().post('/v1/webhooks').set(owner.auth).send({ url, events: ['vehicle.exploded'] });
      expect(expectProblem(badEvent, 400, 'validation_failed').errors).toEqual([expect.objectContaining({ field: 'events' })]);
      const noEvents = await app.http().post('/v1/webhooks').set(owner.auth).send({ url, events: [] });
      expect(expectProblem(noEvents, 400, 'validation_failed').errors).toEqual([expect.objectContaining({ field: 'events' })]);
      const extra = await app.http().post('/v1/webhooks').set(owner.auth).send({ url, events: ['credits.low'], secret: 'mine' });
      expect(expectProblem(extra, 400, 'validation_failed').errors).toEqual([expect.objectContaining({ field: 'secret' })]);
      for (const bad of ['not a url', 'ftp://example.com/hook', 'https://user:pass@example.com/hook']) {
        const response = await app.http().post('/v1/webhooks').set(owner.auth).send({ url: bad, events: ['credits.low'] });
        expect(expectProblem(response, 400, 'validation_failed').errors).toEqual([expect.objectContaining({ field: 'url' })]);
      }
    });

    it('lets admins manage, auditors read, and refuses members', async () => {
      const owner = await newCompany(app);
      const admin = await newTeamMember(app, owner, 'admin');
      const auditor = await newTeamMember(app, owner, 'auditor');
      const member = await newTeamMember(app, owner, 'member');
      const created = await newWebhook(app, admin, receiver.route().url);
      await app.http().get(`/v1/webhooks/${created.id}`).set(auditor.auth).expect(200);
      await app.http().get(`/v1/webhooks/${created.id}/deliveries`).set(auditor.auth).expect(200);
      expectProblem(await app.http().post('/v1/webhooks').set(auditor.auth).send({ url: receiver.route().url, events: ['credits.low'] }), 403, 'role_forbidden');
      expectProblem(await app.http().post(`/v1/webhooks/${created.id}/test`).set(auditor.auth), 403, 'role_forbidden');
      expectProblem(await app.http().get('/v1/webhooks').set(member.auth), 403, 'role_forbidden');
      expectProblem(await app.http().get('/v1/webhooks'), 401, 'unauthenticated');
    });
  });

  describe('tenant isolation', () => {
    it("answers 404 for another company's endpoint and delivery, exactly like a missing one", async () => {
      const owner = await newCompany(app);
      const stranger = await newCompany(app);
      const route = receiver.route();
      const hook = await newWebhook(app, owner, route.url);
      const test = await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      await waitForDelivery(app, owner, hook.id, (delivery) => delivery.status === 'succeeded');
      const calls = [
        app.http().get(`/v1/webhooks/${hook.id}`),
        app.http().patch(`/v1/webhooks/${hook.id}`).send({ description: 'mine now' }),
        app.http().delete(`/v1/webhooks/${hook.id}`),
        app.http().post(`/v1/webhooks/${hook.id}/rotate-secret`),
        app.http().post(`/v1/webhooks/${hook.id}/test`),
        app.http().get(`/v1/webhooks/${hook.id}/deliveries`),
        app.http().post(`/v1/webhooks/deliveries/${test.body.id}/retry`),
        app.http().get(`/v1/webhooks/${randomUUID()}`),
        app.http().post(`/v1/webhooks/deliveries/${randomUUID()}/retry`),
      ];
      for (const call of calls) expectProblem(await call.set(stranger.auth), 404, 'not_found');
      const list = await app.http().get('/v1/webhooks').set(stranger.auth).expect(200);
      expect(list.body.data).toEqual([]);
      const still = await app.http().get(`/v1/webhooks/${hook.id}`).set(owner.auth).expect(200);
      expect(still.body.description).toBeNull();
    });
  });

  describe('delivery', () => {
    it('delivers webhook.test signed per Standard Webhooks, with the payload {type, timestamp, data}', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      const hook = await newWebhook(app, owner, route.url, ['credits.low']);
      const accepted = await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      expect(accepted.body).toMatchObject({ endpointId: hook.id, eventType: 'webhook.test', status: 'pending', attempts: [] });

      const [request] = await eventually(() => (route.received().length > 0 ? route.received() : undefined));
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['webhook-id']).toBe(accepted.body.eventId);
      const payload = verifyDelivery(hook.secret, request);
      expect(payload).toEqual({ type: 'webhook.test', timestamp: expect.any(String), data: expect.objectContaining({ id: hook.id }) });
      expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);
      expect(() => verifyDelivery(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, request)).toThrow();

      const delivery = await waitForDelivery(app, owner, hook.id, (d) => d.id === accepted.body.id && d.status === 'succeeded');
      expect(delivery.attempts).toEqual([
        { attemptedAt: expect.any(String), httpStatus: 200, durationMs: expect.any(Number), error: null },
      ]);
    });

    it('retries a failing receiver: two failures then success are three attempts of one webhook-id', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      route.respondWith(500, 503);
      const hook = await newWebhook(app, owner, route.url);
      const accepted = await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);

      const delivery = await waitForDelivery(app, owner, hook.id, (d) => d.id === accepted.body.id && d.status === 'succeeded');
      expect(delivery.attemptCount).toBe(3);
      expect(delivery.attempts.map((attempt) => attempt.httpStatus)).toEqual([500, 503, 200]);
      expect(delivery.attempts[0].error).toBe('HTTP 500');
      const received = route.received();
      expect(received).toHaveLength(3);
      expect(new Set(received.map((request) => request.headers['webhook-id']))).toEqual(new Set([accepted.body.eventId]));
      for (const request of received) verifyDelivery(hook.secret, request);
      // the schedule in tests is 1 s between attempts
      expect(received[1].receivedAt - received[0].receivedAt).toBeGreaterThanOrEqual(900);
    });

    it('disables an endpoint at once on 410 Gone; the owner re-enables it and replays the delivery', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      route.respondWith(410);
      const hook = await newWebhook(app, owner, route.url);
      const accepted = await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      const failed = await waitForDelivery(app, owner, hook.id, (d) => d.id === accepted.body.id && d.status === 'failed');
      expect(failed.attempts.map((attempt) => attempt.httpStatus)).toEqual([410]);
      const disabled = await app.http().get(`/v1/webhooks/${hook.id}`).set(owner.auth).expect(200);
      expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'gone' });

      expectProblem(await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth), 409, 'conflict');
      expectProblem(await app.http().post(`/v1/webhooks/deliveries/${failed.id}/retry`).set(owner.auth), 409, 'conflict');

      const enabled = await app.http().patch(`/v1/webhooks/${hook.id}`).set(owner.auth).send({ enabled: true }).expect(200);
      expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
      const replay = await app.http().post(`/v1/webhooks/deliveries/${failed.id}/retry`).set(owner.auth).expect(202);
      expect(replay.body).toMatchObject({ id: failed.id, status: 'pending' });
      const delivered = await waitForDelivery(app, owner, hook.id, (d) => d.id === failed.id && d.status === 'succeeded');
      expect(delivered.attempts.map((attempt) => attempt.httpStatus)).toEqual([410, 200]);
      const received = route.received();
      expect(received.map((request) => request.headers['webhook-id'])).toEqual([accepted.body.eventId, accepted.body.eventId]);
      verifyDelivery(hook.secret, received[1]);
    });

    it('fails a delivery after the retry schedule and disables an endpoint that has been failing too long', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      route.respondWith(500, 500, 500, 500);
      const hook = await newWebhook(app, owner, route.url);
      const accepted = await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      const failed = await waitForDelivery(app, owner, hook.id, (d) => d.id === accepted.body.id && d.status === 'failed');
      // first attempt plus the three retries of the test schedule
      expect(failed.attempts.map((attempt) => attempt.httpStatus)).toEqual([500, 500, 500, 500]);
      expect(failed.nextAttemptAt).toBeNull();
      const endpoint = await app.http().get(`/v1/webhooks/${hook.id}`).set(owner.auth).expect(200);
      expect(endpoint.body).toMatchObject({ enabled: false, disabledReason: 'failing' });

      await app.http().patch(`/v1/webhooks/${hook.id}`).set(owner.auth).send({ enabled: true }).expect(200);
      await app.http().post(`/v1/webhooks/deliveries/${failed.id}/retry`).set(owner.auth).expect(202);
      const delivered = await waitForDelivery(app, owner, hook.id, (d) => d.id === failed.id && d.status === 'succeeded');
      expect(delivered.attemptCount).toBe(5);
    });

    it('stops retrying once the owner disables the endpoint, and says why', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      route.respondWith(500, 500, 500, 500);
      const hook = await newWebhook(app, owner, route.url);
      const accepted = await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      await waitForDelivery(app, owner, hook.id, (d) => d.id === accepted.body.id && d.attemptCount === 1);
      await app.http().patch(`/v1/webhooks/${hook.id}`).set(owner.auth).send({ enabled: false }).expect(200);
      const abandoned = await waitForDelivery(app, owner, hook.id, (d) => d.id === accepted.body.id && d.status === 'failed');
      expect(abandoned.lastError).toBe('endpoint disabled');
      expect(abandoned.attempts.length).toBeLessThan(4);
      expect(route.received()).toHaveLength(abandoned.attempts.length);
    });

    it('reports a receiver that does not answer as an attempt with an error and no status', async () => {
      const owner = await newCompany(app);
      const hook = await newWebhook(app, owner, 'http://127.0.0.1:9/closed-port');
      await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      const delivery = await waitForDelivery(app, owner, hook.id, (d) => d.attempts.length > 0 && d.attempts[0].durationMs !== null);
      expect(delivery.attempts[0]).toMatchObject({ httpStatus: null, error: expect.stringContaining('ECONNREFUSED') });
    });

    it('sends a delivery waiting for its automatic retry now, in that retry\'s place', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      route.respondWith(500);
      const hook = await newWebhook(app, owner, route.url);
      const accepted = await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      await waitForDelivery(app, owner, hook.id, (d) => d.id === accepted.body.id && d.status === 'pending' && d.attemptCount === 1);
      const sent = await app.http().post(`/v1/webhooks/deliveries/${accepted.body.id}/retry`).set(owner.auth).expect(202);
      expect(sent.body).toMatchObject({ id: accepted.body.id, status: 'pending' });
      const delivered = await waitForDelivery(app, owner, hook.id, (d) => d.id === accepted.body.id && d.status === 'succeeded');
      expect(delivered.attempts.map((attempt) => attempt.httpStatus)).toEqual([500, 200]);
      // the automatic retry it replaced found the delivery done and sent nothing
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(route.received()).toHaveLength(2);
    });

    it('refuses a retry (409) only while an attempt is in flight, which the history shows', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      route.respondWith(HANG);
      const hook = await newWebhook(app, owner, route.url);
      const accepted = await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      const inFlight = await waitForDelivery(app, owner, hook.id, (d) => d.id === accepted.body.id && d.attempts.length === 1);
      expect(inFlight.attempts[0]).toMatchObject({ httpStatus: null, durationMs: null, error: 'in progress' });
      expectProblem(await app.http().post(`/v1/webhooks/deliveries/${accepted.body.id}/retry`).set(owner.auth), 409, 'conflict');
    });
  });

  describe('POST /v1/webhooks/{id}/rotate-secret', () => {
    it('signs with both the new and the previous secret during the overlap', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      const hook = await newWebhook(app, owner, route.url);
      const rotated = await app.http().post(`/v1/webhooks/${hook.id}/rotate-secret`).set(owner.auth).expect(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(hook.secret);
      expect(Date.parse(rotated.body.previousSecretExpiresAt as string)).toBeGreaterThan(Date.now() + 23 * 3600_000);

      await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      const [request] = await eventually(() => (route.received().length > 0 ? route.received() : undefined));
      const signatures = String(request.headers['webhook-signature']).split(' ');
      expect(signatures).toHaveLength(2);
      expect(signatures.every((signature) => signature.startsWith('v1,'))).toBe(true);
      verifyDelivery(rotated.body.secret as string, request);
      verifyDelivery(hook.secret, request);
    });
  });

  describe('PATCH and DELETE /v1/webhooks/{id}', () => {
    it('changes url, events and description, and a disabled endpoint gets no events', async () => {
      const owner = await newCompany(app);
      const first = receiver.route();
      const second = receiver.route();
      const hook = await newWebhook(app, owner, first.url);
      const patched = await app
        .http()
        .patch(`/v1/webhooks/${hook.id}`)
        .set(owner.auth)
        .send({ url: second.url, events: ['licence.flagged', 'licence.flagged'], description: 'moved' })
        .expect(200);
      expect(patched.body).toMatchObject({ url: second.url, events: ['licence.flagged'], description: 'moved', enabled: true });
      const off = await app.http().patch(`/v1/webhooks/${hook.id}`).set(owner.auth).send({ enabled: false }).expect(200);
      expect(off.body).toMatchObject({ enabled: false, disabledReason: 'manual' });
      expectProblem(await app.http().patch(`/v1/webhooks/${hook.id}`).set(owner.auth).send({ url: 'ftp://x' }), 400, 'validation_failed');
    });

    it('deletes an endpoint with its deliveries', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      const hook = await newWebhook(app, owner, route.url);
      await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      await waitForDelivery(app, owner, hook.id, (d) => d.status === 'succeeded');
      await app.http().delete(`/v1/webhooks/${hook.id}`).set(owner.auth).expect(204);
      expectProblem(await app.http().get(`/v1/webhooks/${hook.id}`).set(owner.auth), 404, 'not_found');
      expectProblem(await app.http().get(`/v1/webhooks/${hook.id}/deliveries`).set(owner.auth), 404, 'not_found');
    });
  });

  describe('GET /v1/webhooks/{id}/deliveries', () => {
    it('pages newest first and filters by status', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      const hook = await newWebhook(app, owner, route.url);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202)).body.id as string);
      await eventually(async () => ((await listDeliveries(app, owner, hook.id)).every((d) => d.status === 'succeeded') ? true : undefined));
      const page1 = await app.http().get(`/v1/webhooks/${hook.id}/deliveries?limit=2`).set(owner.auth).expect(200);
      expect(page1.body.data.map((d: { id: string }) => d.id)).toEqual([ids[2], ids[1]]);
      const page2 = await app.http().get(`/v1/webhooks/${hook.id}/deliveries?limit=2&cursor=${page1.body.nextCursor}`).set(owner.auth).expect(200);
      expect(page2.body).toMatchObject({ data: [{ id: ids[0] }], nextCursor: null });
      const failed = await app.http().get(`/v1/webhooks/${hook.id}/deliveries?status=failed`).set(owner.auth).expect(200);
      expect(failed.body.data).toEqual([]);
      expectProblem(await app.http().get(`/v1/webhooks/${hook.id}/deliveries?limit=0`).set(owner.auth), 400, 'validation_failed');
    });
  });

  describe('delivery under a hanging endpoint, and recovery', () => {
    it('delivers another company\'s webhook promptly while one endpoint hangs', async () => {
      const stuck = await newCompany(app);
      const healthy = await newCompany(app);
      const hanging = receiver.route('hanging');
      hanging.respondWith(HANG, HANG, HANG, HANG, HANG, HANG);
      const stuckHook = await newWebhook(app, stuck, hanging.url);
      for (let i = 0; i < 6; i += 1) await app.http().post(`/v1/webhooks/${stuckHook.id}/test`).set(stuck.auth).expect(202);
      await eventually(() => (hanging.received().length >= 2 ? true : undefined), 15_000, 'the hanging endpoint to be busy');

      const route = receiver.route('healthy');
      const hook = await newWebhook(app, healthy, route.url);
      const started = Date.now();
      await app.http().post(`/v1/webhooks/${hook.id}/test`).set(healthy.auth).expect(202);
      await waitForDelivery(app, healthy, hook.id, (d) => d.status === 'succeeded', 10_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      // the hanging endpoint holds at most its cap of attempts at once per instance (on a shared
      // PostgreSQL other test files' instances deliver from the same queue too)
      if (!process.env.DATABASE_URL) expect(hanging.received().length).toBeLessThanOrEqual(2);
    });

    it('re-sends every failed delivery of an endpoint since a time: 202 {queued}', async () => {
      const owner = await newCompany(app);
      const route = receiver.route();
      route.respondWith(500, 500, 500, 500, 500, 500, 500, 500);
      const hook = await newWebhook(app, owner, route.url);
      const since = new Date(Date.now() - 1_000).toISOString();
      const first = await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      const second = await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
      for (const id of [first.body.id, second.body.id]) await waitForDelivery(app, owner, hook.id, (d) => d.id === id && d.status === 'failed', 20_000);
      route.respondWith();
      await app.http().patch(`/v1/webhooks/${hook.id}`).set(owner.auth).send({ enabled: true }).expect(200);
      expectProblem(await app.http().post(`/v1/webhooks/${hook.id}/recover`).set(owner.auth).send({ since: 'yesterday' }), 400, 'validation_failed');
      const recovered = await app.http().post(`/v1/webhooks/${hook.id}/recover`).set(owner.auth).send({ since }).expect(202);
      expect(recovered.body).toEqual({ queued: 2 });
      for (const id of [first.body.id, second.body.id]) await waitForDelivery(app, owner, hook.id, (d) => d.id === id && d.status === 'succeeded');
      const other = await newCompany(app);
      expectProblem(await app.http().post(`/v1/webhooks/${hook.id}/recover`).set(other.auth).send({ since }), 404, 'not_found');
    });
  });
});
