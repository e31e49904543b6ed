/** The ops view's data (no DOM): API schemas, requests, and the health summary, tested from Node. */
import * as z from 'zod/mini';
import { getJson } from '../../api.ts';

const checkStatus = z.object({
  check: z.string(),
  subject: z.string(),
  firing: z.boolean(),
  title: z.string(),
});
const checksAnswer = z.object({
  checks: z.array(z.object({ name: z.string(), warmupS: z.number(), warmingUp: z.boolean() })),
  status: z.array(checkStatus),
});
export type ChecksAnswer = z.infer<typeof checksAnswer>;

const fault = z.object({ id: z.string(), kind: z.string(), service: z.string(), expiresAt: z.number() });
const faultsAnswer = z.object({ faults: z.array(fault) });
export type Fault = z.infer<typeof fault>;

const incident = z.object({
  id: z.string(),
  title: z.string(),
  severity: z.string(),
  priority: z.number(),
  alerts: z.optional(z.array(z.object({ runbookUrl: z.nullable(z.string()) }))),
});
const incidentsAnswer = z.object({ incidents: z.array(incident) });
export type OpsIncident = z.infer<typeof incident>;

const remediation = z.object({
  id: z.string(),
  kind: z.string(),
  service: z.string(),
  reason: z.string(),
  status: z.string(),
});
const remediationsAnswer = z.object({ remediations: z.array(remediation) });
export type PendingRemediation = z.infer<typeof remediation>;

const seriesAnswer = z.object({
  watched: z.number(),
  warming: z.optional(z.number()),
  series: z.array(
    z.object({
      series: z.string(),
      warmup: z.optional(z.object({ warming: z.boolean(), points: z.number(), needed: z.number() })),
    }),
  ),
});
export type SeriesAnswer = z.infer<typeof seriesAnswer>;

export const loadChecks = (): Promise<ChecksAnswer> => getJson('/api/detectors/checks', checksAnswer);
export const loadFaults = (): Promise<Fault[]> => getJson('/api/faults', faultsAnswer).then((a) => a.faults);
export const loadIncidents = (): Promise<OpsIncident[]> =>
  getJson('/api/incidents?status=open&limit=50', incidentsAnswer).then((a) => a.incidents);
export const loadPendingRemediations = (): Promise<PendingRemediation[]> =>
  getJson('/api/remediations?status=pending_approval&limit=50', remediationsAnswer).then((a) => a.remediations);
export const loadSeries = (): Promise<SeriesAnswer> => getJson('/api/detectors/series?limit=2000', seriesAnswer);

export interface ServiceHealth {
  readonly service: string;
  readonly degraded: boolean;
  /** What the firing checks say. */
  readonly reasons: readonly string[];
}

/** The platform's parts, in the order an operator reads them; other subjects the checks report follow. */
const knownServices = ['market-feed', 'market-data', 'analytics', 'sentiment', 'alerts', 'detectors', 'platform'];

/** One row per service (or consumer group, the process, DATA_DIR): degraded while any check on it fires. */
export function serviceHealth(status: ChecksAnswer['status']): ServiceHealth[] {
  const subjects = [...new Set([...knownServices, ...status.map((s) => s.subject)])];
  return subjects.map((service) => {
    const firing = status.filter((s) => s.subject === service && s.firing);
    return { service, degraded: firing.length > 0, reasons: firing.map((s) => s.title) };
  });
}

/** The href of an incident's page (built by the incident view), safe whatever the id contains. */
export const incidentHref = (id: string): string => `#/incidents/${encodeURIComponent(id)}`;

/** `1m 05s`, `42s`: time left until `until`. */
export function timeLeft(until: number, now: number): string {
  const s = Math.max(0, Math.round((until - now) / 1000));
  return s >= 60 ? `${String(Math.floor(s / 60))}m ${String(s % 60).padStart(2, '0')}s` : `${String(s)}s`;
}
