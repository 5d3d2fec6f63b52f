import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitOfWork } from '../../src/platform/database/unit-of-work.js';
import { EventOutbox } from '../../src/webhooks/event-outbox.service.js';
import { setBalance } from '../support/credits.js';
import { newCompany } from '../support/factories.js';
import { gbLicenceNumber, newCustomer, newVehicle, SHARE_CODE } from '../support/fleet.js';
import { newKey } from '../support/keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { startTestDatabase, type TestDatabase } from '../support/test-database.js';
import { eventually, listDeliveries, newWebhook, verifyDelivery, WebhookReceiver } from '../support/webhooks.js';

class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const ALL_EVENTS = ['inspection.completed', 'agreement.signed', 'licence.flagged', 'credits.low', 'api_key.revoked'];

describe('webhook events from their real causes', () => {
  let database: TestDatabase;
  let app: TestApp;
  let receiver: WebhookReceiver;
  const logs = new LogCapture();
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    // a database of its own: on the shared PostgreSQL another file's app could take a delivery job and log its attempt there
    database = await startTestDatabase({ own: true });
    app = await startTestApp({ logDestination: logs, databaseUrl: database.url });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await receiver.stop();
  });

  it('delivers each event type, signed, with data = the resource, to the endpoints subscribed to it', async () => {
    const owner = await newCompany(app);
    const everything = receiver.route('all');
    const agreementsOnly = receiver.route('agreements');
    const switchedOff = receiver.route('off');
    const all = await newWebhook(app, owner, everything.url, ALL_EVENTS);
    const agreements = await newWebhook(app, owner, agreementsOnly.url, ['agreement.signed']);
    const off = await newWebhook(app, owner, switchedOff.url, ALL_EVENTS);
    await app.http().patch(`/v1/webhooks/${off.id}`).set(owner.auth).send({ enabled: false }).expect(200);
    const stranger = await newCompany(app);
    const strangers = receiver.route('stranger');
    await newWebhook(app, stranger, strangers.url, ALL_EVENTS);

    // inspection.completed: an inspection signed off
    const vehicle = await newVehicle(app, owner);
    const inspection = await app
      .http()
      .post('/v1/inspections')
      .set(owner.auth)
      .send({ vehicleId: vehicle.id, templateKey: 'check-out', items: [{ key: 'tyres', result: 'pass' }] })
      .expect(201);
    await app.http().post(`/v1/inspections/${inspection.body.id}/sign-off`).set(owner.auth).send({ signedBy: 'Sam Signer' }).expect(200);

    // agreement.signed
    const customer = await newCustomer(app, owner);
    const agreement = await app
      .http()
      .post('/v1/agreements')
      .set(owner.auth)
      .send({
        vehicleId: vehicle.id,
        customerId: customer.id,
        startsAt: '2026-12-01T09:00:00Z',
        endsAt: '2026-12-08T09:00:00Z',
        dailyRate: { amount: '45.00', currency: 'GBP' },
      })
      .expect(201);
    await app.http().post(`/v1/agreements/${agreement.body.id}/sign`).set(owner.auth).send({ signedBy: 'Jo Bloggs' }).expect(200);

    // licence.flagged: 6 penalty points reach the default threshold
    const check = await app
      .http()
      .post('/v1/licence-checks')
      .set(owner.auth)
      .send({ licenceNumber: gbLicenceNumber({ check: 'R' }), shareCode: SHARE_CODE })
      .expect(201);
    expect(check.body.flagged).toBe(true);

    // credits.low: a spend takes the balance from 3 to 2
    await setBalance(app, owner.companyId, 3);
    await app
      .http()
      .post('/v1/inspections')
      .set(owner.auth)
      .send({ vehicleId: vehicle.id, templateKey: 'check-out', items: [{ key: 'tyres', result: 'pass' }] })
      .expect(201);

    // api_key.revoked
    const key = await newKey(app, owner);
    await app.http().delete(`/v1/api-keys/${key.publicId}`).set(owner.auth).expect(200);

    const received = await eventually(() => (everything.received().length >= 5 ? everything.received() : undefined), 20_000, 'five events');
    const payloads = received.map((request) => verifyDelivery(all.secret, request));
    const byType = new Map(payloads.map((payload) => [payload.type, payload]));
    expect([...byType.keys()].sort()).toEqual([...ALL_EVENTS].sort());
    for (const payload of payloads) expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);
    expect(byType.get('inspection.completed')!.data).toMatchObject({ id: inspection.body.id, status: 'completed' });
    expect(byType.get('agreement.signed')!.data).toMatchObject({ id: agreement.body.id, status: 'signed' });
    expect(byType.get('licence.flagged')!.data).toMatchObject({ id: check.body.id, flagged: true });
    expect(byType.get('credits.low')!.data).toMatchObject({ id: owner.companyId, balance: 2 });
    const revoked = byType.get('api_key.revoked')!.data;
    expect(revoked).toMatchObject({ publicId: key.publicId });
    expect(JSON.stringify(revoked)).not.toContain(key.fullApiKey);

    const agreementDeliveries = await eventually(async () => {
      const deliveries = await listDeliveries(app, owner, agreements.id);
      return deliveries.length === 1 && deliveries[0].status === 'succeeded' ? deliveries : undefined;
    });
    expect(agreementDeliveries[0].eventType).toBe('agreement.signed');
    verifyDelivery(agreements.secret, agreementsOnly.received()[0]);
    expect(await listDeliveries(app, owner, off.id)).toEqual([]);
    expect(switchedOff.received()).toEqual([]);
    expect(strangers.received()).toEqual([]);
    expect(received).toHaveLength(5);
  });

  it('records no delivery and sends nothing when the cause rolls back', async () => {
    const owner = await newCompany(app);
    const route = receiver.route();
    const hook = await newWebhook(app, owner, route.url, ['credits.low']);
    const outbox = app.app.get(EventOutbox);
    await expect(
      app.app.get(UnitOfWork).run(async () => {
        await outbox.record(owner.companyId, 'credits.low', { id: owner.companyId, balance: 2 });
        throw new Error('the cause failed');
      }),
    ).rejects.toThrow('the cause failed');
    await outbox.record(owner.companyId, 'credits.low', { id: owner.companyId, balance: 1 });
    const [delivered] = await eventually(() => (route.received().length > 0 ? route.received() : undefined));
    expect(verifyDelivery(hook.secret, delivered).data).toEqual({ id: owner.companyId, balance: 1 });
    const deliveries = await eventually(async () => {
      const all = await listDeliveries(app, owner, hook.id);
      return all.every((d) => d.status === 'succeeded') ? all : undefined;
    });
    expect(deliveries).toHaveLength(1);
    expect(route.received()).toHaveLength(1);
  });

  it('never writes a signing secret to the log', async () => {
    const owner = await newCompany(app);
    const route = receiver.route();
    const hook = await newWebhook(app, owner, route.url);
    const rotated = await app.http().post(`/v1/webhooks/${hook.id}/rotate-secret`).set(owner.auth).expect(200);
    await app.http().post(`/v1/webhooks/${hook.id}/test`).set(owner.auth).expect(202);
    await eventually(() => (route.received().length > 0 ? true : undefined));
    await eventually(async () => ((await listDeliveries(app, owner, hook.id))[0]?.status === 'succeeded' ? true : undefined));
    // the worker logs the attempt once its outcome has committed: a reader may see the outcome first
    await eventually(() => (logs.text.includes('webhook delivery attempt') ? true : undefined));
    for (const secret of [hook.secret, rotated.body.secret as string]) expect(logs.text).not.toContain(secret.slice('whsec_'.length, 30));
  });
});
