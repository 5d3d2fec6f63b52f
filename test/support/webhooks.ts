import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { SignedUp } from './factories.js';
import type { TestApp } from './test-app.js';

/** A scripted "status" for a request the receiver never answers. */
export const HANG = 0;

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface Route {
  url: string;
  /** Every request this route received, oldest first. */
  received: () => ReceivedWebhook[];
  /** Status codes to answer in turn (HANG: no answer at all); after them, 200. */
  respondWith: (...statuses: number[]) => void;
}

/**
 * A real HTTP server on 127.0.0.1 that stands in for integrators' endpoints. Each test takes its own
 * route (a unique path), so tests running side by side never see each other's deliveries.
 */
export class WebhookReceiver {
  private readonly requests: ReceivedWebhook[] = [];
  private readonly scripted = new Map<string, number[]>();
  private server?: Server;
  private base = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.requests.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() });
        const status = this.scripted.get(path)?.shift() ?? 200;
        if (status === HANG) return; // never answers (until the receiver stops)
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  route(label = 'hook'): Route {
    const path = `/${label}/${randomUUID()}`;
    return {
      url: `${this.base}${path}`,
      received: () => this.requests.filter((request) => request.path === path),
      respondWith: (...statuses) => this.scripted.set(path, statuses),
    };
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Verifies a received delivery per Standard Webhooks with the given secret and returns its payload. */
export function verifyDelivery(secret: string, request: ReceivedWebhook): { type: string; timestamp: string; data: Record<string, unknown> } {
  const headers = {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  };
  return new Webhook(secret).verify(request.body, headers) as { type: string; timestamp: string; data: Record<string, unknown> };
}

export interface CreatedWebhook {
  id: string;
  url: string;
  secret: string;
  events: string[];
  enabled: boolean;
}

export async function newWebhook(app: TestApp, owner: SignedUp, url: string, events: string[] = ['webhook.test']): Promise<CreatedWebhook> {
  const response = await app.http().post('/v1/webhooks').set(owner.auth).send({ url, events }).expect(201);
  return response.body as CreatedWebhook;
}

export interface DeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  attempts: { attemptedAt: string; httpStatus: number | null; durationMs: number | null; error: string | null }[];
}

export async function listDeliveries(app: TestApp, owner: SignedUp, endpointId: string): Promise<DeliveryView[]> {
  const response = await app.http().get(`/v1/webhooks/${endpointId}/deliveries?limit=100`).set(owner.auth).expect(200);
  return (response.body as { data: DeliveryView[] }).data;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the endpoint has a delivery matching `predicate`. */
export function waitForDelivery(
  app: TestApp,
  owner: SignedUp,
  endpointId: string,
  predicate: (delivery: DeliveryView) => boolean,
  timeoutMs?: number,
): Promise<DeliveryView> {
  return eventually(async () => (await listDeliveries(app, owner, endpointId)).find(predicate), timeoutMs, `a delivery of ${endpointId}`);
}
