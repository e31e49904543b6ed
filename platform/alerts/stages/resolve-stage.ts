import type { IncidentCorrelator } from '../correlation/correlator.ts';
import type { Incident, IncidentAlert } from '../model.ts';
import type { Inhibitor } from './inhibit.ts';
import type { RouteStage } from './route-stage.ts';
import { forgetOldResolved } from './resolved-sample.ts';
import { incidentPriority } from './suppress-stage.ts';
import type { AlertContext, Stage } from './stage.ts';

export interface ResolveOptions {
  readonly inhibitor: Inhibitor;
  readonly router: RouteStage;
  readonly saveAlert: (incidentId: string, entry: IncidentAlert) => void;
  readonly save: (incident: Incident) => void;
  /** Closes an incident whose alerts all resolved. */
  readonly close: (incident: Incident, now: number) => void;
  /** Told when a resolved alert of an open incident leaves memory (resolved-sample.ts). */
  readonly correlator: IncidentCorrelator;
}

/** A resolved alert updates its incident, and closes it when it was the last one firing; firing alerts go on. */
export class ResolveStage implements Stage {
  readonly name = 'resolve';
  readonly #o: ResolveOptions;

  constructor(options: ResolveOptions) {
    this.#o = options;
  }

  run(ctx: AlertContext): 'continue' | 'stop' {
    const { alert, now } = ctx;
    if (alert.status !== 'resolved') return 'continue';
    this.#o.inhibitor.observe(alert);
    const incident = ctx.existing;
    const entry = incident?.alerts.get(alert.fingerprint);
    // A resolve never seen firing goes on to correlation (file-resolved-stage.ts): none accepted goes missing.
    if (incident === undefined && ctx.seen === 'new') return 'continue';
    if (incident === undefined || entry === undefined) {
      ctx.outcome = 'unknown-resolved';
      return 'stop';
    }
    entry.alert = alert;
    entry.lastSeen = now;
    incident.updatedAt = now;
    this.#o.saveAlert(incident.id, entry);
    if ([...incident.alerts.values()].every((a) => a.alert.status === 'resolved')) this.#o.close(incident, now);
    else {
      this.#o.router.retouch(incident, entry);
      forgetOldResolved(incident, (fp) => {
        this.#o.correlator.forget(incident, fp);
        this.#o.router.forget(incident.id, fp);
      });
      incident.priority = incidentPriority(incident);
      this.#o.save(incident);
    }
    ctx.incident = incident;
    ctx.outcome = 'resolved-alert';
    return 'stop';
  }
}
