import type { Router } from 'express';
import { HttpError } from '../../http/errors.ts';
import { openApi } from '../../http/openapi.ts';
import type { Audit } from '../../identity/audit.ts';
import { principalOf } from '../../identity/principal.ts';
import { pushSubscription } from '../notify/webpush/config.ts';
import { MAX_PUSH_SUBSCRIPTIONS_PER_USER, type PushSubscriptionStore } from '../store/push-subscriptions.ts';
import type { PriceAlertLiveStream } from './live-stream.ts';
import { describePriceAlertRoutes } from './openapi.ts';
import { idParam, limitQuery, MAX_PRICE_ALERTS_PER_USER, priceRuleInput, type PriceRuleInput } from './rules.ts';
import type { PriceAlertService } from './service.ts';

/** Each user manages their own price alerts (the actor is the user), and registers browsers for Web Push. */
export function priceAlertRoutes(
  api: Router,
  deps: {
    prices: PriceAlertService;
    pushSubscriptions: PushSubscriptionStore;
    vapidPublicKey: string;
    audit: Audit;
    live: PriceAlertLiveStream;
    /** Whether an SMTP relay is configured: rules asking for email are refused without one. */
    emailConfigured: boolean;
  },
): void {
  const { prices, audit } = deps;
  // The access table lets only signed-in traders here: each sees and changes only their own alerts.
  const user = (req: object): string => principalOf(req).actor;
  /** Validated input on an instrument with a live source, through a channel this server can deliver. */
  const ruleOf = (body: unknown): PriceRuleInput => {
    const input = priceRuleInput.parse(body);
    prices.universe.require(input.symbol);
    if (input.kind === 'correlation_break') prices.universe.require(input.otherSymbol);
    if (input.notify.email !== undefined && !deps.emailConfigured)
      throw new HttpError(422, 'email delivery is not set up on this server (no SMTP relay); use Web Push');
    return input;
  };
  api.get('/price-alerts', (req, res) => {
    res.json({ alerts: prices.list(user(req)).map((r) => prices.view(r)) });
  });
  api.get('/price-alerts/channels', (_req, res) => {
    res.json({ webPush: true, email: deps.emailConfigured, stream: '/api/price-alerts/stream' });
  });
  api.get('/price-alerts/stream', (req, res) => {
    deps.live.attach(user(req), req, res);
  });
  api.get('/price-alerts/events', (req, res) => {
    res.json({ events: prices.events(user(req), limitQuery.parse(req.query).limit) });
  });
  api.post('/price-alerts', async (req, res) => {
    const u = user(req);
    const input = ruleOf(req.body);
    if (prices.list(u).length >= MAX_PRICE_ALERTS_PER_USER)
      throw new HttpError(422, `at most ${String(MAX_PRICE_ALERTS_PER_USER)} price alerts per user; delete some first`);
    const rule = prices.put(u, input);
    await audit(u, 'price-alert.create', `price-alert/${rule.id}`, { kind: rule.kind, symbol: rule.symbol });
    res.status(201).json(prices.view(rule));
  });
  api.put('/price-alerts/:id', async (req, res) => {
    const u = user(req);
    const id = idParam.parse(req.params.id);
    if (prices.get(u, id) === undefined) throw new HttpError(404, 'no such price alert');
    const rule = prices.put(u, ruleOf(req.body), id);
    await audit(u, 'price-alert.update', `price-alert/${id}`, { kind: rule.kind, symbol: rule.symbol });
    res.json(prices.view(rule));
  });
  api.delete('/price-alerts/:id', async (req, res) => {
    const u = user(req);
    const id = idParam.parse(req.params.id);
    if (!prices.remove(u, id)) throw new HttpError(404, 'no such price alert');
    await audit(u, 'price-alert.delete', `price-alert/${id}`);
    res.status(204).end();
  });
  api.get('/push/vapid-public-key', (_req, res) => {
    res.json({ publicKey: deps.vapidPublicKey });
  });
  api.post('/push/subscriptions', async (req, res) => {
    const u = user(req);
    const sub = pushSubscription.parse(req.body);
    const mine = deps.pushSubscriptions.list(u);
    if (mine.length >= MAX_PUSH_SUBSCRIPTIONS_PER_USER && !mine.some((s) => s.endpoint === sub.endpoint))
      throw new HttpError(
        422,
        `at most ${String(MAX_PUSH_SUBSCRIPTIONS_PER_USER)} browsers per user receive Web Push; remove one first`,
      );
    deps.pushSubscriptions.add(u, sub);
    await audit(u, 'push.subscribe', `push/${u}`);
    res.status(201).json({ ok: true });
  });
  describePriceAlertRoutes(openApi);
}
