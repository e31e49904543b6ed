/** The OpenAPI description of a user's price alerts and Web Push registration (routes.ts). */
import { z } from 'zod';
import type { ApiOperation, OpenApiRegistry } from '../../http/openapi.ts';
import { pushSubscription } from '../notify/webpush/config.ts';
import { idParam, limitQuery, priceRuleInput } from './rules.ts';

/** What the API adds to a rule (service.ts PriceRuleView). */
const viewFields = {
  id: z.string(),
  userId: z.string(),
  createdAt: z.string(),
  thresholdUnit: z.enum(['price', 'percent', 'times average volume', 'correlation']),
  currency: z.string(),
  cooldownUntil: z.string().optional(),
};
const [above, below, move, volume, correlation] = priceRuleInput.options;
const priceRuleView = z.discriminatedUnion('kind', [
  above.extend(viewFields),
  below.extend(viewFields),
  move.extend(viewFields),
  volume.extend(viewFields),
  correlation.extend(viewFields),
]);
/** A firing as the feed keeps it (service.ts PriceAlertEvent). */
const priceAlertEvent = z.object({
  id: z.string(),
  ruleId: z.string(),
  userId: z.string(),
  symbol: z.string(),
  kind: z.string(),
  observed: z.number(),
  message: z.string(),
  at: z.string(),
});
/** One `price-alert` event on the live stream (live-stream.ts PriceAlertLiveEvent). */
const liveEvent = priceAlertEvent.extend({ threshold: z.number(), thresholdUnit: z.string() });

export const priceAlertResponses = {
  list: z.object({ alerts: z.array(priceRuleView) }),
  channels: z.object({ webPush: z.boolean(), email: z.boolean(), stream: z.string() }),
  events: z.object({ events: z.array(priceAlertEvent) }),
  vapidKey: z.object({ publicKey: z.string() }),
};
const tags = ['price-alerts'];
const id = z.object({ id: idParam });
const invalid = { 400: { description: 'invalid request' } };
const missing = { 404: { description: 'no such price alert' } };
const refused = {
  422: { description: 'no live source for the symbol, or email asked for without an SMTP relay' },
};

export const priceAlertOperations: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/price-alerts',
    summary: "The signed-in user's price alerts",
    tags,
    responses: { 200: { description: 'rules', schema: priceAlertResponses.list } },
  },
  {
    method: 'post',
    path: '/price-alerts',
    summary: 'Creates a price alert',
    tags,
    body: priceRuleInput,
    responses: { 201: { description: 'created', schema: priceRuleView }, ...invalid, ...refused },
  },
  {
    method: 'put',
    path: '/price-alerts/{id}',
    summary: 'Replaces one of your price alerts',
    tags,
    params: id,
    body: priceRuleInput,
    responses: { 200: { description: 'saved', schema: priceRuleView }, ...invalid, ...missing, ...refused },
  },
  {
    method: 'delete',
    path: '/price-alerts/{id}',
    summary: 'Deletes one of your price alerts',
    tags,
    params: id,
    responses: { 204: { description: 'deleted' }, ...missing },
  },
  {
    method: 'get',
    path: '/price-alerts/channels',
    summary: 'How firings can reach you on this server',
    tags,
    responses: { 200: { description: 'channels', schema: priceAlertResponses.channels } },
  },
  {
    method: 'get',
    path: '/price-alerts/events',
    summary: 'Your latest firings, newest first',
    tags,
    query: limitQuery,
    responses: { 200: { description: 'firings', schema: priceAlertResponses.events }, ...invalid },
  },
  {
    method: 'get',
    path: '/price-alerts/stream',
    summary: 'Server-sent events: one `price-alert` event per firing of your rules',
    tags,
    responses: {
      200: { description: "each event's data", schema: liveEvent, mediaType: 'text/event-stream' },
      429: { description: 'too many open streams for you' },
      503: { description: 'too many open streams in all' },
    },
  },
  {
    method: 'get',
    path: '/push/vapid-public-key',
    summary: "The server's VAPID public key, for PushManager.subscribe",
    tags: ['push'],
    responses: { 200: { description: 'the key', schema: priceAlertResponses.vapidKey } },
  },
  {
    method: 'post',
    path: '/push/subscriptions',
    summary: "Registers a browser's push subscription for your alerts",
    tags: ['push'],
    body: pushSubscription,
    responses: { 201: { description: 'registered', schema: z.object({ ok: z.literal(true) }) }, ...invalid },
  },
];

export function describePriceAlertRoutes(registry: OpenApiRegistry): void {
  for (const operation of priceAlertOperations) registry.add(operation);
}
