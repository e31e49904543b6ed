/** Pure side of the alerts view (no DOM): API schemas, requests and the price-rule form, tested from Node. */
import * as z from 'zod/mini';
import { getJson } from '../../api.ts';

const labels = z.record(z.string(), z.string());
export const incident = z.object({
  id: z.string(),
  status: z.enum(['triggered', 'acknowledged', 'snoozed', 'resolved']),
  title: z.string(),
  severity: z.string(),
  priority: z.number(),
  assignee: z.nullable(z.string()),
  createdAt: z.string(),
  snoozedUntil: z.nullable(z.string()),
  alertCount: z.number(),
  alerts: z.array(
    z.object({
      fingerprint: z.string(),
      status: z.string(),
      labels,
      runbookUrl: z.nullable(z.string()),
      dashboardUrl: z.nullable(z.string()),
      suppressedBy: z.nullable(z.string()),
    }),
  ),
});
export type Incident = z.infer<typeof incident>;

/**
 * A link from an alert (annotations come from whoever posts alerts) as an href, only when it resolves to http(s):
 * `javascript:`, `data:` and other schemes are not rendered as links. Relative paths resolve against `base`.
 */
export function safeHref(url: string | null, base: string): string | null {
  if (url === null) return null;
  try {
    const resolved = new URL(url, base);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.href : null;
  } catch {
    return null;
  }
}
const incidentList = z.object({ incidents: z.array(incident) });

export const priceRule = z.object({
  id: z.string(),
  kind: z.string(),
  symbol: z.string(),
  threshold: z.optional(z.number()),
  otherSymbol: z.optional(z.string()),
});
export type PriceRule = z.infer<typeof priceRule>;
const priceRuleList = z.object({ alerts: z.array(priceRule) });
const priceEvent = z.object({ id: z.string(), symbol: z.string(), message: z.string(), at: z.string() });
export type PriceEvent = z.infer<typeof priceEvent>;
const priceEventList = z.object({ events: z.array(priceEvent) });

export const priceKinds = ['price_above', 'price_below', 'percent_move', 'volume_spike', 'correlation_break'] as const;
export type PriceKind = (typeof priceKinds)[number];

/** A write to the API as the signed-in user (Session.send: the cookie plus its CSRF token). */
export type Send = (method: string, path: string, body?: unknown) => Promise<unknown>;

export function listIncidents(status: 'open' | 'resolved'): Promise<Incident[]> {
  return getJson(`/api/incidents?status=${status}&limit=100`, incidentList).then((r) => r.incidents);
}

export async function incidentAction(
  send: Send,
  id: string,
  action: 'acknowledge' | 'resolve' | 'snooze',
): Promise<void> {
  await send('POST', `/api/incidents/${encodeURIComponent(id)}/${action}`, action === 'snooze' ? { minutes: 30 } : {});
}

export async function listPriceRules(): Promise<PriceRule[]> {
  return (await getJson('/api/price-alerts', priceRuleList)).alerts;
}

export async function listPriceEvents(): Promise<PriceEvent[]> {
  return (await getJson('/api/price-alerts/events?limit=20', priceEventList)).events;
}

export async function createPriceRule(send: Send, body: Record<string, unknown>): Promise<void> {
  await send('POST', '/api/price-alerts', body);
}

export async function deletePriceRule(send: Send, id: string): Promise<void> {
  await send('DELETE', `/api/price-alerts/${encodeURIComponent(id)}`);
}

/** The form's fields as the API's rule body; a message when something is missing (the server checks the rest). */
export function ruleFromForm(
  kind: PriceKind,
  symbol: string,
  threshold: string,
  otherSymbol: string,
): Record<string, unknown> | string {
  const s = symbol.trim().toUpperCase();
  if (s === '') return 'enter a symbol';
  const t = Number(threshold);
  if (threshold.trim() === '' || !Number.isFinite(t)) return 'enter a number as threshold';
  if (kind === 'correlation_break') {
    const o = otherSymbol.trim().toUpperCase();
    if (o === '') return 'enter the symbol to correlate with';
    return { kind, symbol: s, otherSymbol: o, threshold: t };
  }
  return { kind, symbol: s, threshold: t };
}

export function describeRule(r: PriceRule): string {
  switch (r.kind) {
    case 'price_above':
      return `${r.symbol} crosses above ${String(r.threshold)}`;
    case 'price_below':
      return `${r.symbol} crosses below ${String(r.threshold)}`;
    case 'percent_move':
      return `${r.symbol} moves ${String(r.threshold)}%`;
    case 'volume_spike':
      return `${r.symbol} volume ${String(r.threshold)}x average`;
    default:
      return `${r.symbol} decouples from ${r.otherSymbol ?? '?'} (corr < ${String(r.threshold)})`;
  }
}

/** Which actions an incident offers in its state. */
export function actionsFor(status: Incident['status']): ('acknowledge' | 'snooze' | 'resolve')[] {
  if (status === 'resolved') return [];
  if (status === 'triggered') return ['acknowledge', 'snooze', 'resolve'];
  return ['snooze', 'resolve'];
}
