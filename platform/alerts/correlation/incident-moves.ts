import type { Clock } from '../clock.ts';
import type { CorrelationWhy, Incident, IncidentAlert } from '../model.ts';
import { severities, severityOf } from '../model.ts';
import { newIncident } from '../stages/correlate-stage.ts';
import { incidentPriority } from '../stages/suppress-stage.ts';
import type { IncidentLifecycle, IncidentEvent } from '../incident-lifecycle.ts';
import type { RouteStage } from '../stages/route-stage.ts';
import type { IncidentCorrelator, IncidentMerge } from './correlator.ts';

/** What the moves work on: the pipeline's open incidents, correlator, router and lifecycle. */
export interface MovesState {
  readonly incidents: Map<string, Incident>;
  readonly correlator: IncidentCorrelator;
  readonly router: RouteStage;
  readonly lifecycle: IncidentLifecycle;
}

/** Where the pipeline stores incident changes (SQLite in the service); moves use `moveAlert`. */
export interface IncidentPersistence {
  incident(i: Incident): void;
  alert(incidentId: string, a: IncidentAlert): void;
  /** An operator moved an alert to another incident (merge, split). */
  moveAlert?(fromId: string, toId: string, a: IncidentAlert): void;
}

/** Operators' corrections of correlation: merge two incidents, split alerts off one. The correlator learns both. */
export class IncidentMoves {
  readonly #s: MovesState;
  readonly #persist: IncidentPersistence | undefined;
  readonly #listeners: readonly ((e: IncidentEvent) => void)[];
  readonly #clock: Clock;

  constructor(
    state: MovesState,
    clock: Clock,
    persist: IncidentPersistence | undefined,
    listeners: readonly ((e: IncidentEvent) => void)[],
  ) {
    this.#s = state;
    this.#clock = clock;
    this.#persist = persist;
    this.#listeners = listeners;
  }

  /**
   * Incident `fromId` is part of `intoId`: its alerts move there and it resolves. `evidence` is set when the
   * correlator merged them itself (an alert bridged both): the moved alerts say so, and nothing is learnt
   * from a decision the correlator made (only operators teach it).
   */
  merge(intoId: string, fromId: string, by: string, evidence?: CorrelationWhy): Incident {
    const into = this.#open(intoId);
    const from = this.#open(fromId);
    if (into === from) throw new RangeError('an incident cannot be merged into itself');
    if (evidence === undefined) this.#s.correlator.feedback(into, from, 'together');
    this.#move(from, into, [...from.alerts.keys()], by, evidence);
    this.#s.lifecycle.close(from, this.#clock.now());
    return into;
  }

  /** A merge the correlator asked for (an alert bridged two open incidents). */
  correlated(m: IncidentMerge): Incident {
    return this.merge(m.into.id, m.from.id, 'correlation', m.why);
  }

  /** These alerts are not part of incident `id`: they move to a new incident. */
  split(id: string, fingerprints: readonly string[], by: string): Incident {
    const from = this.#open(id);
    const missing = fingerprints.find((fp) => !from.alerts.has(fp));
    if (missing !== undefined) throw new RangeError(`incident ${id} has no alert ${missing}`);
    if (new Set(fingerprints).size >= from.alerts.size) throw new RangeError('a split leaves an alert behind');
    const first = from.alerts.get(fingerprints[0] ?? '');
    if (first === undefined) throw new RangeError('name the alerts to split off');
    const to = newIncident(first.alert, this.#clock.now());
    this.#s.incidents.set(to.id, to);
    // Stored before its alerts, which reference it.
    this.#persist?.incident(to);
    this.#move(from, to, fingerprints, by);
    this.#s.correlator.feedback(from, to, 'apart');
    for (const l of this.#listeners) l({ incident: to, change: 'opened' });
    return to;
  }

  #move(from: Incident, to: Incident, fingerprints: readonly string[], by: string, evidence?: CorrelationWhy): void {
    for (const fp of fingerprints) {
      const entry = from.alerts.get(fp);
      if (entry === undefined) continue;
      from.alerts.delete(fp);
      this.#s.correlator.detach(from, entry.alert);
      to.alerts.set(fp, entry);
      this.#s.correlator.attach(to, entry.alert);
      entry.correlation = { ...(evidence ?? { score: 0, shared: [] }), kind: 'moved', by };
      to.lastAlertAt = Math.max(to.lastAlertAt, entry.alert.startsAt);
      if (severities.indexOf(severityOf(entry.alert.labels)) < severities.indexOf(to.severity))
        to.severity = severityOf(entry.alert.labels);
      this.#persist?.moveAlert?.(from.id, to.id, entry);
      this.#s.router.route(to, entry);
    }
    for (const i of [from, to]) {
      i.updatedAt = this.#clock.now();
      if (i.alerts.size > 0) i.priority = incidentPriority(i);
      this.#persist?.incident(i);
    }
  }

  #open(id: string): Incident {
    const incident = this.#s.incidents.get(id);
    if (incident === undefined) throw new RangeError(`no open incident ${id}`);
    return incident;
  }
}
