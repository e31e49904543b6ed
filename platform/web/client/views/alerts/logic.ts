/** Pure side of the alerts view (no DOM): API schemas, requests and the price-rule form, tested from Node. */
import * as z from 'zod/mini';
import { getJson } from '../../api.ts';
import type { Send } from '../../session.ts';

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

/** Which actions an incident offers in its state. */
export function actionsFor(status: Incident['status']): ('acknowledge' | 'snooze' | 'resolve')[] {
  if (status === 'resolved') return [];
  if (status === 'triggered') return ['acknowledge', 'snooze', 'resolve'];
  return ['snooze', 'resolve'];
}
