import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { ok, type Schemas } from '../../../sdk/index.js';
import { api } from '../api/client.js';

export type Webhook = Schemas['WebhookResponse'];
export type WebhookEvent = Webhook['events'][number];
export type Delivery = Schemas['DeliveryResponse'];

export const WEBHOOK_EVENTS: { name: WebhookEvent; label: string }[] = [
  { name: 'inspection.completed', label: 'Inspection completed' },
  { name: 'agreement.signed', label: 'Agreement signed' },
  { name: 'licence.flagged', label: 'Licence flagged' },
  { name: 'credits.low', label: 'Credits low' },
  { name: 'api_key.revoked', label: 'API key revoked' },
  { name: 'api_key.expiring', label: 'API key expiring' },
  { name: 'webhook.test', label: 'Test event' },
];

export const webhookKeys = {
  all: ['webhooks'] as const,
  list: ['webhooks', 'list'] as const,
  detail: (id: string) => ['webhooks', 'detail', id] as const,
  deliveries: (id: string) => ['webhooks', 'deliveries', id] as const,
};

export const webhookListQuery = queryOptions({
  queryKey: webhookKeys.list,
  queryFn: () => ok(api.GET('/v1/webhooks', { params: { query: { limit: 100 } } })),
});

export const webhookQuery = (id: string) =>
  queryOptions({
    queryKey: webhookKeys.detail(id),
    queryFn: () => ok(api.GET('/v1/webhooks/{id}', { params: { path: { id } } })),
  });

export const deliveriesQuery = (id: string) =>
  infiniteQueryOptions({
    queryKey: webhookKeys.deliveries(id),
    queryFn: ({ pageParam }) => ok(api.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: 25, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

export const DISABLED_REASONS: Record<NonNullable<Webhook['disabledReason']>, string> = {
  gone: 'The endpoint answered 410 Gone, so deliveries stopped.',
  failing: 'Deliveries kept failing for too long, so the endpoint was disabled.',
  manual: 'Someone in your team disabled it.',
};

/** The receiver's side: verifying a delivery with the `standardwebhooks` package. */
export const verificationSnippet = (secret: string) => `// npm install standardwebhooks
import { Webhook } from 'standardwebhooks';

const wh = new Webhook('${secret}');

// in your HTTP handler, with the raw request body (a string) and its headers:
const event = wh.verify(rawBody, {
  'webhook-id': req.headers['webhook-id'],
  'webhook-timestamp': req.headers['webhook-timestamp'],
  'webhook-signature': req.headers['webhook-signature'],
}); // throws when the signature or timestamp is wrong
console.log(event.type, event.data);`;
