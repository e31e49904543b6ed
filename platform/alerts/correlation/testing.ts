/** Test support for correlators: alerts at seconds from a fixed start, placed as the pipeline places them. */
import { fingerprintOf } from '../fingerprint.ts';
import type { Alert, CorrelationWhy, Incident, Labels } from '../model.ts';
import type { IncidentCorrelator } from './correlator.ts';
import type { EntityCorrelatorOptions } from './entity-correlator.ts';

export const t0 = Date.parse('2026-03-02T10:00:00Z');

/** Entity correlator settings for tests: small bounds, threshold 2. */
export const testOptions: EntityCorrelatorOptions = {
  windowMs: 600_000,
  threshold: 2,
  decayMs: 60_000,
  symptomWeight: 0.5,
  affinityWeight: 1,
  background: 30,
  maxConcurrent: 1_000,
  maxAffinityPairs: 1_000,
};

export const alertOf = (labels: Labels, atSeconds: number): Alert => ({
  fingerprint: fingerprintOf(labels),
  status: 'firing',
  labels,
  annotations: {},
  startsAt: t0 + atSeconds * 1000,
  source: 'test',
  traceIds: [],
});

/** match, else a new incident `id` (titled by the alert's name), then attach: where the alert ends, and why. */
export function place(c: IncidentCorrelator, a: Alert, id: string): { incident: Incident; why: CorrelationWhy } {
  const incident: Incident = c.match(a) ?? {
    id,
    status: 'triggered',
    title: `${a.labels.alertname ?? ''} incident`,
    severity: 'warning',
    priority: 3,
    createdAt: 0,
    updatedAt: 0,
    lastAlertAt: a.startsAt,
    alerts: new Map(),
  };
  incident.alerts.set(a.fingerprint, {
    alert: a,
    enrichment: { remediations: [], traceIds: [] },
    priority: 3,
    firstSeen: 0,
    lastSeen: 0,
    routes: [],
  });
  return { incident, why: c.attach(incident, a) };
}
