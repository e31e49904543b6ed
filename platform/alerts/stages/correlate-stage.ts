import { severities, severityOf, type Alert, type Incident, type IncidentAlert } from '../model.ts';
import type { AlertsConfig } from '../config/schema.ts';
import type { IncidentCorrelator } from '../correlation/correlator.ts';
import type { IncidentMoves } from '../correlation/incident-moves.ts';
import { createCorrelator } from '../correlation/create.ts';
import type { ServiceGraph } from '../correlation/service-graph.ts';
import { newIncidentId } from './correlate.ts';
import { required, type AlertContext, type Stage } from './stage.ts';

/**
 * Puts a firing alert (or a resolve never seen firing) into an incident: the one the correlator matches (it
 * owns the rules), else a new one. Calls the correlator only through `match` and `attach`, so its rules
 * change without this file.
 */
export class CorrelateStage implements Stage {
  readonly name = 'correlate';
  readonly #correlator: IncidentCorrelator;
  readonly #incidents: Map<string, Incident>;
  readonly #moves: () => IncidentMoves;

  /** New incidents go into the pipeline's `incidents`; `moves` carries out merges the correlator asks for. */
  constructor(correlator: IncidentCorrelator, incidents: Map<string, Incident>, moves: () => IncidentMoves) {
    this.#correlator = correlator;
    this.#incidents = incidents;
    this.#moves = moves;
  }

  run(ctx: AlertContext): 'continue' {
    const { alert, now } = ctx;
    const enrichment = required(ctx.enrichment, 'enrichment', this.name);
    let incident = this.#correlator.match(alert);
    const opened = incident === undefined;
    if (incident === undefined) {
      incident = newIncident(alert, now);
      this.#incidents.set(incident.id, incident);
    }
    const previous = incident.alerts.get(alert.fingerprint);
    const entry: IncidentAlert = {
      alert,
      enrichment,
      priority: 5,
      firstSeen: previous?.firstSeen ?? now,
      lastSeen: now,
      routes: [],
      acceptedAt: ctx.acceptedAt,
    };
    incident.alerts.set(alert.fingerprint, entry);
    const why = this.#correlator.attach(incident, alert);
    entry.correlation = previous?.correlation ?? why;
    incident.lastAlertAt = Math.max(incident.lastAlertAt, alert.startsAt);
    incident.updatedAt = now;
    // An incident is titled by its most severe symptom: a user-facing one that joins later retitles it.
    if (severities.indexOf(severityOf(alert.labels)) < severities.indexOf(incident.severity)) {
      incident.severity = severityOf(alert.labels);
      incident.title = titleOf(alert);
    }
    for (const m of this.#correlator.takeMerges?.() ?? []) {
      this.#moves().correlated(m);
      if (m.from === incident) incident = m.into;
    }
    ctx.incident = incident;
    ctx.entry = entry;
    ctx.outcome = opened ? 'opened' : previous === undefined ? 'joined' : 'updated';
    return 'continue';
  }
}

export function newIncident(alert: Alert, now: number): Incident {
  return {
    id: newIncidentId(now),
    status: 'triggered',
    title: titleOf(alert),
    severity: severityOf(alert.labels),
    priority: 5,
    createdAt: now,
    updatedAt: now,
    lastAlertAt: alert.startsAt,
    alerts: new Map(),
  };
}

function titleOf(alert: Alert): string {
  const name = alert.labels.alertname ?? 'alert';
  const where = alert.labels.service ?? alert.labels.job ?? alert.labels.instance;
  return alert.annotations.summary ?? (where === undefined ? name : `${name} on ${where}`);
}

/** The correlator as the configuration describes it (correlation/create.ts). */
export function correlatorFor(c: AlertsConfig, graph?: ServiceGraph): IncidentCorrelator {
  return createCorrelator(c, graph);
}
