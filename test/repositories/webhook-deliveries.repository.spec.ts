import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookAttempt } from '../../src/webhooks/webhook-attempt.entity.js';
import { WebhookDeliveriesRepository } from '../../src/webhooks/webhook-deliveries.repository.js';
import { WebhookEndpointsRepository } from '../../src/webhooks/webhook-endpoints.repository.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('WebhookDeliveriesRepository', () => {
  let context: RepositoryContext;
  let deliveries: WebhookDeliveriesRepository;
  let endpoints: WebhookEndpointsRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    deliveries = context.get(WebhookDeliveriesRepository);
    endpoints = context.get(WebhookEndpointsRepository);
  });
  afterAll(() => context.close());

  const newEndpoint = async (companyId: string) =>
    (await endpoints.save(endpoints.create({
      companyId, url: 'https://hooks.example.co.uk/fleetgate', events: ['webhook.test'], description: null, enabled: true, disabledReason: null,
      secretCiphertext: 'sealed-secret', previousSecretCiphertext: null, previousSecretExpiresAt: null, consecutiveFailures: 0, failingSince: null,
    }))).id;

  /** An event of the company delivered to the endpoint. */
  const newDelivery = async (companyId: string, endpointId: string) => {
    const event = await deliveries.addEvent(companyId, 'webhook.test', { message: 'hello' });
    return deliveries.add(companyId, endpointId, event.id);
  };

  const newAttempt = (deliveryId: string, inFlight: boolean) =>
    context.uow.repository(WebhookAttempt).save(context.uow.repository(WebhookAttempt).create({
      deliveryId, attemptedAt: new Date(), httpStatus: inFlight ? null : 500, durationMs: inFlight ? null : 12, error: null,
      inFlightUntil: inFlight ? new Date(Date.now() + 60_000) : null,
    }));

  it('finds a delivery for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const delivery = await newDelivery(owner, await newEndpoint(owner));
    await expectOnlyItsCompanyFinds(context, deliveries, { owner, id: delivery.id }, other);
  });

  it('lists an endpoint\'s deliveries by status, and tells another company nothing of them', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const endpoint = await newEndpoint(owner);
    const [first, second] = [await newDelivery(owner, endpoint), await newDelivery(owner, endpoint)];
    await newDelivery(owner, await newEndpoint(owner));
    second.status = 'failed';
    await deliveries.save(second);
    const ids = async (companyId: string, status?: 'pending' | 'failed') =>
      (await deliveries.listForEndpoint(companyId, endpoint, { limit: 10, status })).data.map((delivery) => delivery.id);

    expect(await ids(owner)).toEqual([second.id, first.id]);
    expect(await ids(owner, 'failed')).toEqual([second.id]);
    expect(await ids(other)).toEqual([]);
    expect(await deliveries.eventTypes(owner, [first.eventId])).toEqual(new Map([[first.eventId, 'webhook.test']]));
    expect(await deliveries.eventTypes(other, [first.eventId])).toEqual(new Map());
  });

  it('shows a delivery\'s attempts, and whether one is in flight, to its company only', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const delivery = await newDelivery(owner, await newEndpoint(owner));
    const finished = await newAttempt(delivery.id, false);
    expect(await deliveries.hasAttemptInFlight(owner, delivery.id)).toBe(false);
    const inFlight = await newAttempt(delivery.id, true);

    expect((await deliveries.attemptsOf(owner, [delivery.id])).map((attempt) => attempt.id)).toEqual([finished.id, inFlight.id]);
    expect(await deliveries.hasAttemptInFlight(owner, delivery.id)).toBe(true);
    expect(await deliveries.attemptsOf(other, [delivery.id])).toEqual([]);
    expect(await deliveries.hasAttemptInFlight(other, delivery.id)).toBe(false);
  });

  it('requeues the company\'s failed deliveries since a time, and marks one pending, never another company\'s', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const endpoint = await newEndpoint(owner);
    const [failed, waiting] = [await newDelivery(owner, endpoint), await newDelivery(owner, endpoint)];
    failed.status = 'failed';
    await deliveries.save(failed);
    const since = new Date(Date.now() - 60_000);

    expect(await deliveries.requeueFailedSince(other, endpoint, since)).toEqual([]);
    expect(await deliveries.requeueFailedSince(owner, endpoint, new Date(Date.now() + 60_000))).toEqual([]);
    expect(await deliveries.requeueFailedSince(owner, endpoint, since)).toEqual([failed.id]);
    expect((await deliveries.getForCompany(owner, failed.id)).status).toBe('pending');

    waiting.status = 'succeeded';
    await deliveries.save(waiting);
    const at = new Date(Date.now() + 5_000);
    await deliveries.markPending(other, waiting.id, at);
    expect((await deliveries.getForCompany(owner, waiting.id)).status).toBe('succeeded');
    await deliveries.markPending(owner, waiting.id, at);
    expect(await deliveries.getForCompany(owner, waiting.id)).toMatchObject({ status: 'pending', nextAttemptAt: at });
  });

  it('starts one attempt at a time, counts it once, and answers another company nothing', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const delivery = await newDelivery(owner, await newEndpoint(owner));
    expect(await deliveries.findForJob(delivery.id)).toMatchObject({ id: delivery.id, companyId: owner });
    await expect(deliveries.eventOf(other, delivery.eventId)).rejects.toThrow();
    expect(await deliveries.eventOf(owner, delivery.eventId)).toMatchObject({ id: delivery.eventId, type: 'webhook.test' });

    expect(await context.uow.run(() => deliveries.startAttempt(other, delivery.id, 0, 60_000))).toBeUndefined();
    const attempt = await context.uow.run(() => deliveries.startAttempt(owner, delivery.id, 0, 60_000));
    expect(attempt).toMatchObject({ deliveryId: delivery.id, httpStatus: null });
    expect(await context.uow.run(() => deliveries.startAttempt(owner, delivery.id, 0, 60_000))).toBeUndefined();

    await deliveries.endAttempt(other, attempt!.id, { httpStatus: 200, durationMs: 5, error: null });
    expect(await deliveries.hasAttemptInFlight(owner, delivery.id)).toBe(true);
    await deliveries.endAttempt(owner, attempt!.id, { httpStatus: 500, durationMs: 5, error: 'HTTP 500' });
    expect(await deliveries.attemptsOf(owner, [delivery.id])).toMatchObject([{ httpStatus: 500, inFlightUntil: null }]);

    const outcome = { status: 'pending' as const, nextAttemptAt: new Date(), lastStatus: 500, lastError: 'HTTP 500' };
    expect(await deliveries.countAttempt(other, delivery.id, 0, outcome)).toBe(false);
    expect(await deliveries.countAttempt(owner, delivery.id, 0, outcome)).toBe(true);
    expect(await deliveries.countAttempt(owner, delivery.id, 0, outcome)).toBe(false);
    expect((await deliveries.getForCompany(owner, delivery.id)).attemptCount).toBe(1);

    await deliveries.abandon(other, delivery.id, 'endpoint disabled');
    expect((await deliveries.getForCompany(owner, delivery.id)).status).toBe('pending');
    await deliveries.abandon(owner, delivery.id, 'endpoint disabled');
    expect(await deliveries.getForCompany(owner, delivery.id)).toMatchObject({ status: 'failed', lastError: 'endpoint disabled' });
  });

  it('cuts attempts whose lease passed and names their pending deliveries', async () => {
    const owner = await context.newCompany();
    const delivery = await newDelivery(owner, await newEndpoint(owner));
    const attempt = await context.uow.run(() => deliveries.startAttempt(owner, delivery.id, 0, -1_000));
    const cut = await context.uow.run(() => deliveries.cutInterruptedAttempts());
    expect(cut).toContainEqual({ deliveryId: delivery.id, attemptCount: 0 });
    expect(await deliveries.attemptsOf(owner, [delivery.id])).toMatchObject([{ id: attempt!.id, inFlightUntil: null, error: expect.stringMatching(/^interrupted/) }]);
  });
});
