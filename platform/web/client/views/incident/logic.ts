/** Pure side of the incident page (no DOM): API schemas, requests and the timeline, tested from Node. */
import * as z from 'zod/mini';
import { getJson } from '../../api.ts';
import { messages } from './messages.ts';

/** Steps are validated as text: a status this page does not know yet is shown as it is named. */
const stepStatus = z.string();

const remediation = z.object({
  id: z.string(),
  policy: z.string(),
  kind: z.string(),
  service: z.string(),
  risk: z.string(),
  reason: z.string(),
  status: stepStatus,
  expiresAt: z.optional(z.number()),
  signal: z.object({ fingerprint: z.string(), title: z.string() }),
  steps: z.array(z.object({ status: stepStatus, at: z.number(), actor: z.string(), detail: z.string() })),
});
export type Remediation = z.infer<typeof remediation>;
const remediationList = z.object({ remediations: z.array(remediation) });

const incidentDetail = z.object({
  id: z.string(),
  status: z.string(),
  title: z.string(),
  severity: z.string(),
  priority: z.number(),
  createdAt: z.string(),
  resolvedAt: z.nullable(z.string()),
  alerts: z.array(
    z.object({ fingerprint: z.string(), labels: z.record(z.string(), z.string()), startsAt: z.string() }),
  ),
  deliveries: z.optional(z.array(z.object({ channel: z.string(), outcome: z.string(), at: z.number() }))),
});
export type IncidentDetail = z.infer<typeof incidentDetail>;

export function loadIncident(id: string): Promise<IncidentDetail> {
  return getJson(`/api/incidents/${encodeURIComponent(id)}`, incidentDetail);
}

/** The incident's remediations: those triggered by a signal that became one of its alerts. */
export async function loadRemediations(incident: IncidentDetail): Promise<Remediation[]> {
  const fingerprints = incident.alerts.slice(0, 500).map((a) => a.fingerprint);
  if (fingerprints.length === 0) return [];
  const query = new URLSearchParams({ fingerprints: fingerprints.join(','), limit: '100' });
  return (await getJson(`/api/remediations?${query.toString()}`, remediationList)).remediations;
}

export type Send = (method: string, path: string, body?: unknown) => Promise<unknown>;

export async function decide(send: Send, id: string, verb: 'approve' | 'reject'): Promise<void> {
  await send('POST', `/api/remediations/${encodeURIComponent(id)}/${verb}`, {});
}

/** Whether this identity sees the approve and reject buttons: a person with the sre role (admin holds it too). */
export function canDecide(me: { readonly kind: string; readonly role: string | null }): boolean {
  return me.kind === 'user' && (me.role === 'sre' || me.role === 'admin');
}

export interface TimelineEntry {
  readonly at: number;
  /** incident, alert, delivery, or the remediation step's status. */
  readonly kind: string;
  readonly text: string;
  readonly detail: string;
  readonly actor?: string;
}

/** Everything that happened to the incident, oldest first: alerts, notifications and every remediation step. */
export function timeline(incident: IncidentDetail, remediations: readonly Remediation[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    { at: Date.parse(incident.createdAt), kind: 'incident', text: messages.opened(incident.title), detail: '' },
  ];
  for (const a of incident.alerts)
    entries.push({
      at: Date.parse(a.startsAt),
      kind: 'alert',
      text: messages.alertFired(a.labels.alertname ?? a.labels.__name__ ?? a.fingerprint),
      detail: Object.entries(a.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    });
  for (const d of incident.deliveries ?? [])
    entries.push({ at: d.at, kind: 'delivery', text: messages.delivery(d.channel, d.outcome), detail: '' });
  for (const r of remediations)
    for (const s of r.steps)
      entries.push({
        at: s.at,
        kind: s.status,
        text: `${stepText(s.status)}: ${r.kind} ${r.service}`,
        detail: s.detail,
        actor: s.actor,
      });
  if (incident.resolvedAt !== null)
    entries.push({ at: Date.parse(incident.resolvedAt), kind: 'incident', text: messages.resolved, detail: '' });
  return entries.filter((e) => Number.isFinite(e.at)).sort((a, b) => a.at - b.at);
}

function stepText(status: string): string {
  return status in messages.step ? messages.step[status as keyof typeof messages.step] : status;
}
