import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG, WebhookReceiver } from '../support/webhooks.js';
import { call, type Instance, type PrivateCluster, recordFigure, signUp, startInstance, startPrivateCluster } from './support.js';

const WEBHOOKS = { WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_RETRY_SCHEDULE_SECONDS: '5,5,5' };

interface Delivery {
  id: string;
  status: string;
  attempts: Array<{ httpStatus: number | null; error: string | null }>;
}

describe('an instance killed mid-delivery (SIGKILL)', () => {
  let cluster: PrivateCluster;
  let receiver: WebhookReceiver;
  let doomed: Instance;
  let survivor: Instance;
  beforeAll(async () => {
    cluster = await startPrivateCluster();
    receiver = await new WebhookReceiver().start();
    doomed = await startInstance(cluster.url, WEBHOOKS);
    survivor = await startInstance(cluster.url, { ...WEBHOOKS, JOBS_ENABLED: 'false' });
  });
  afterAll(async () => {
    doomed?.kill('SIGKILL');
    survivor?.kill('SIGKILL');
    await Promise.all([doomed?.exited, survivor?.exited]);
    await receiver?.stop();
    cluster?.destroy();
  });

  it('shows the interrupted attempt in the history and repeats the delivery (same webhook-id) once its lease has passed', async () => {
    const owner = await signUp(survivor.url);
    const route = receiver.route();
    route.respondWith(HANG);
    const hook = await call(survivor.url, 'POST', '/v1/webhooks', owner.auth, { url: route.url, events: ['webhook.test'] });
    const endpointId = (hook.body as { id: string }).id;
    const accepted = await call(survivor.url, 'POST', `/v1/webhooks/${endpointId}/test`, owner.auth);
    const deliveryId = (accepted.body as { id: string }).id;
    await expect.poll(() => route.received().length, { timeout: 15_000 }).toBe(1);
    doomed.kill('SIGKILL');
    await doomed.exited;
    const killedAt = Date.now();

    // the survivor now delivers (its sweep finds the attempt whose lease passed)
    const restarted = await startInstance(cluster.url, WEBHOOKS);
    try {
      await expect.poll(() => route.received().length, { timeout: 20_000 }).toBe(2);
      recordFigure('delivery repeat after SIGKILL (s)', (route.received()[1].receivedAt - killedAt) / 1000);
      expect(Date.now() - killedAt).toBeLessThan(5_000 + 2_000 + 1_000 + 2_000 + 8_000); // retry delay + timeout + lease margin + sweep + a start
      const [first, second] = route.received();
      expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
      let delivery: Delivery | undefined;
      await expect.poll(async () => {
        const list = await call(survivor.url, 'GET', `/v1/webhooks/${endpointId}/deliveries`, owner.auth);
        delivery = (list.body as { data: Delivery[] }).data.find((d) => d.id === deliveryId);
        return delivery?.status;
      }, { timeout: 15_000 }).toBe('succeeded');
      expect(delivery!.attempts.map((attempt) => attempt.error)).toEqual(['interrupted: the delivering instance stopped', null]);
      expect(delivery!.attempts.map((attempt) => attempt.httpStatus)).toEqual([null, 200]);
    } finally {
      restarted.kill('SIGKILL');
      await restarted.exited;
    }
  });
});
