import type { MaintenanceWindow } from '../config/schema.ts';
import type { IncidentAlert, Incident, Priority } from '../model.ts';
import type { Dedup } from './dedup.ts';
import type { Inhibitor } from './inhibit.ts';
import { prioritise, type PriorityOptions } from './prioritise.ts';
import { inMaintenance, silencedBy, type Silence } from './silence.ts';
import { required, type AlertContext, type Stage } from './stage.ts';

export interface SuppressOptions {
  readonly dedup: Dedup;
  readonly inhibitor: Inhibitor;
  readonly silences: () => Iterable<Silence>;
  readonly maintenance: readonly MaintenanceWindow[];
  readonly priority: PriorityOptions;
}

/**
 * Inhibit / silence / maintenance and prioritise (P1..P5, flapping). `evaluate` runs again at every
 * group flush, as Alertmanager re-checks at notify time.
 */
export class SuppressStage implements Stage {
  readonly name = 'suppress';
  readonly #o: SuppressOptions;

  constructor(options: SuppressOptions) {
    this.#o = options;
  }

  run(ctx: AlertContext): 'continue' {
    const incident = required(ctx.incident, 'an incident', this.name);
    this.#o.inhibitor.observe(ctx.alert);
    this.evaluate(required(ctx.entry, 'an incident alert', this.name), ctx.now);
    incident.priority = incidentPriority(incident);
    return 'continue';
  }

  evaluate(entry: IncidentAlert, now: number): void {
    const { labels } = entry.alert;
    const p = prioritise(entry.alert, this.#o.dedup.transitions(entry.alert.fingerprint, now), this.#o.priority);
    entry.priority = p.priority;
    const inhibitor = this.#o.inhibitor.inhibitedBy(entry.alert);
    const silence = inhibitor === undefined ? silencedBy(labels, this.#o.silences(), now) : undefined;
    const window =
      inhibitor === undefined && silence === undefined ? inMaintenance(labels, this.#o.maintenance, now) : undefined;
    if (inhibitor !== undefined) suppress(entry, 'inhibited', inhibitor);
    else if (silence !== undefined) suppress(entry, 'silenced', silence.id);
    else if (window !== undefined) suppress(entry, 'maintenance', window.id);
    else if (p.flapping) suppress(entry, 'flapping', '');
    else {
      delete entry.suppressedBy;
      delete entry.suppressedDetail;
    }
  }
}

function suppress(entry: IncidentAlert, by: NonNullable<IncidentAlert['suppressedBy']>, detail: string): void {
  entry.suppressedBy = by;
  entry.suppressedDetail = detail;
}

/** The incident's priority: the most urgent of its live, unsuppressed alerts (or of all, if none is). */
export function incidentPriority(incident: Incident): Priority {
  const all = [...incident.alerts.values()];
  const live = all.filter((a) => a.alert.status === 'firing' && a.suppressedBy === undefined);
  return Math.min(...(live.length > 0 ? live : all).map((a) => a.priority)) as Priority;
}
