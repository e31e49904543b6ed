/** Pure side of the price-alerts view (no DOM): API schemas, requests, the form and how a rule reads. */
import * as z from 'zod/mini';
import { getJson } from '../../api.ts';
import { formatMoney, formatNumber } from '../../format.ts';
import { language, t } from '../../i18n/i18n.ts';
import type { Send } from '../../session.ts';

export const priceRule = z.object({
  id: z.string(),
  kind: z.string(),
  symbol: z.string(),
  threshold: z.optional(z.number()),
  otherSymbol: z.optional(z.string()),
  cooldownMinutes: z.optional(z.number()),
  currency: z.optional(z.string()),
  cooldownUntil: z.optional(z.string()),
  notify: z.optional(z.object({ webPush: z.optional(z.boolean()), email: z.optional(z.string()) })),
});
export type PriceRule = z.infer<typeof priceRule>;
const priceRuleList = z.object({ alerts: z.array(priceRule) });
export const priceEvent = z.object({ id: z.string(), symbol: z.string(), message: z.string(), at: z.string() });
export type PriceEvent = z.infer<typeof priceEvent>;
const priceEventList = z.object({ events: z.array(priceEvent) });
const channels = z.object({ webPush: z.boolean(), email: z.boolean() });

/** Whether email can be offered (the platform has an SMTP relay). */
export async function emailAvailable(): Promise<boolean> {
  return (await getJson('/api/price-alerts/channels', channels)).email;
}

export const priceKinds = ['price_above', 'price_below', 'percent_move', 'volume_spike', 'correlation_break'] as const;
export type PriceKind = (typeof priceKinds)[number];
export const isPriceKind = (value: string): value is PriceKind => (priceKinds as readonly string[]).includes(value);
export const DEFAULT_COOLDOWN_MINUTES = 60;

/** The unit a kind's threshold is in, as shown beside the field and in the list. */
export const thresholdUnit = (kind: string): string => t(`priceAlerts.unit.${isPriceKind(kind) ? kind : 'other'}`);

export async function listPriceRules(): Promise<PriceRule[]> {
  return (await getJson('/api/price-alerts', priceRuleList)).alerts;
}

export async function listPriceEvents(limit = 20): Promise<PriceEvent[]> {
  return (await getJson(`/api/price-alerts/events?limit=${String(limit)}`, priceEventList)).events;
}

/** Push and email for the rule are written in the app's language. */
export async function createPriceRule(send: Send, body: PriceRuleBody): Promise<void> {
  await send('POST', '/api/price-alerts', { ...body, notify: { ...body.notify, language } });
}

export async function deletePriceRule(send: Send, id: string): Promise<void> {
  await send('DELETE', `/api/price-alerts/${encodeURIComponent(id)}`);
}

export interface PriceRuleBody {
  readonly kind: PriceKind;
  readonly symbol: string;
  readonly threshold: number;
  readonly cooldownMinutes: number;
  readonly otherSymbol?: string;
  readonly notify?: { readonly email: string };
}

export interface RuleForm {
  readonly kind: PriceKind;
  readonly symbol: string;
  readonly threshold: string;
  readonly otherSymbol: string;
  readonly cooldown: string;
  /** Empty: no email. */
  readonly email: string;
}

/** The form's fields as the API's rule body, or a message saying what is missing (the server checks the rest). */
export function ruleFromForm(form: RuleForm): PriceRuleBody | string {
  const symbol = form.symbol.trim().toUpperCase();
  if (symbol === '') return t('priceAlerts.error.symbol');
  const threshold = Number(form.threshold);
  if (form.threshold.trim() === '' || !Number.isFinite(threshold)) return t('priceAlerts.error.threshold');
  const cooldown = form.cooldown.trim() === '' ? DEFAULT_COOLDOWN_MINUTES : Number(form.cooldown);
  if (!Number.isInteger(cooldown) || cooldown < 0 || cooldown > 10_080)
    return t('priceAlerts.error.cooldown', { max: 10_080 });
  const email = form.email.trim();
  const body = {
    kind: form.kind,
    symbol,
    threshold,
    cooldownMinutes: cooldown,
    ...(email === '' ? {} : { notify: { email } }),
  };
  if (form.kind !== 'correlation_break') return body;
  const otherSymbol = form.otherSymbol.trim().toUpperCase();
  if (otherSymbol === '') return t('priceAlerts.error.other');
  return { ...body, otherSymbol };
}

/** A price level placed on the chart: above the last price it waits for a rise, below it for a fall. */
export function ruleAtLevel(symbol: string, level: number, last: number): PriceRuleBody {
  const threshold = Math.round(level * 100) / 100;
  return {
    kind: threshold >= last ? 'price_above' : 'price_below',
    symbol,
    threshold,
    cooldownMinutes: DEFAULT_COOLDOWN_MINUTES,
  };
}

/** How a rule reads in the list, its threshold in its unit. */
export function describeRule(r: PriceRule): string {
  const threshold = r.threshold ?? 0;
  const value =
    r.kind === 'price_above' || r.kind === 'price_below' ? formatMoney(threshold, r.currency) : formatNumber(threshold);
  return t(`priceAlerts.rule.${isPriceKind(r.kind) ? r.kind : 'other'}`, {
    symbol: r.symbol,
    threshold: value,
    other: r.otherSymbol ?? '?',
  });
}
