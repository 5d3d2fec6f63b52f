import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookEndpointsRepository } from '../../src/webhooks/webhook-endpoints.repository.js';
import { expectOnlyItsCompanyFinds, type RepositoryContext, startRepositoryContext } from '../support/repositories.js';

describe('WebhookEndpointsRepository', () => {
  let context: RepositoryContext;
  let endpoints: WebhookEndpointsRepository;
  beforeAll(async () => {
    context = await startRepositoryContext();
    endpoints = context.get(WebhookEndpointsRepository);
  });
  afterAll(() => context.close());

  const newEndpoint = async (companyId: string, events: string[], enabled = true) =>
    endpoints.save(endpoints.create({
      companyId, url: 'https://hooks.example.co.uk/fleetgate', events: events as never, description: null, enabled, disabledReason: null,
      secretCiphertext: 'sealed-secret', previousSecretCiphertext: null, previousSecretExpiresAt: null, consecutiveFailures: 0, failingSince: null,
    }));

  it('finds an endpoint for its company only: another company gets nothing, or a 404', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    await expectOnlyItsCompanyFinds(context, endpoints, { owner, id: (await newEndpoint(owner, ['agreement.signed'])).id }, other);
  });

  it('reads the sealed secrets only when asked for them', async () => {
    const owner = await context.newCompany();
    const endpoint = await newEndpoint(owner, ['agreement.signed']);
    expect((await endpoints.getForCompany(owner, endpoint.id)).secretCiphertext).toBeUndefined();
    const withSecrets = await endpoints.getForCompany(owner, endpoint.id, { hidden: ['secretCiphertext', 'previousSecretCiphertext'] });
    expect(withSecrets).toMatchObject({ secretCiphertext: 'sealed-secret', previousSecretCiphertext: null });
  });

  it('names the company\'s enabled endpoints subscribed to an event type, and deletes only the company\'s own', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const subscribed = await newEndpoint(owner, ['agreement.signed', 'credits.low']);
    await newEndpoint(owner, ['agreement.signed'], false);
    await newEndpoint(owner, ['inspection.completed']);
    await newEndpoint(other, ['agreement.signed']);
    expect(await endpoints.subscribedTo(owner, 'agreement.signed')).toEqual([subscribed.id]);

    await endpoints.deleteForCompany(other, subscribed.id);
    expect(await endpoints.findForCompany(owner, subscribed.id)).not.toBeNull();
    await endpoints.deleteForCompany(owner, subscribed.id);
    expect(await endpoints.findForCompany(owner, subscribed.id)).toBeNull();
  });

  it('counts failures and disables an endpoint for its company only', async () => {
    const [owner, other] = [await context.newCompany(), await context.newCompany()];
    const endpoint = await newEndpoint(owner, ['agreement.signed']);
    const [first, later] = [new Date(Date.now() - 60_000), new Date()];
    await endpoints.markFailing(other, endpoint.id, first);
    expect(await endpoints.getForCompany(owner, endpoint.id)).toMatchObject({ consecutiveFailures: 0, failingSince: null });
    expect(await endpoints.markFailing(owner, endpoint.id, first)).toEqual(first);
    expect(await endpoints.markFailing(owner, endpoint.id, later)).toEqual(first);
    expect(await endpoints.getForCompany(owner, endpoint.id)).toMatchObject({ consecutiveFailures: 2, failingSince: first });

    await endpoints.markSucceeded(other, endpoint.id);
    expect((await endpoints.getForCompany(owner, endpoint.id)).consecutiveFailures).toBe(2);
    await endpoints.markSucceeded(owner, endpoint.id);
    expect(await endpoints.getForCompany(owner, endpoint.id)).toMatchObject({ consecutiveFailures: 0, failingSince: null });

    await endpoints.disable(other, endpoint.id, 'failing');
    expect((await endpoints.getForCompany(owner, endpoint.id)).enabled).toBe(true);
    await endpoints.disable(owner, endpoint.id, 'gone');
    expect(await endpoints.getForCompany(owner, endpoint.id)).toMatchObject({ enabled: false, disabledReason: 'gone' });
  });
});
