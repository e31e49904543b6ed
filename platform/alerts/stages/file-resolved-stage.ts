import type { Incident, IncidentAlert } from '../model.ts';
import { required, type AlertContext, type Stage } from './stage.ts';

export interface FileResolvedOptions {
  readonly saveAlert: (incidentId: string, entry: IncidentAlert) => void;
  readonly save: (incident: Incident) => void;
  readonly close: (incident: Incident, now: number) => void;
}

/**
 * Last for a resolve never seen firing (its firing send was lost upstream, or came later): correlation put it
 * into an incident like a firing alert; it is stored there, and the incident closes if nothing in it fires.
 */
export class FileResolvedStage implements Stage {
  readonly name = 'file-resolved';
  readonly #o: FileResolvedOptions;

  constructor(options: FileResolvedOptions) {
    this.#o = options;
  }

  run(ctx: AlertContext): 'continue' | 'stop' {
    if (ctx.alert.status !== 'resolved') return 'continue';
    const incident = required(ctx.incident, 'an incident', this.name);
    this.#o.save(incident);
    this.#o.saveAlert(incident.id, required(ctx.entry, 'an incident alert', this.name));
    if ([...incident.alerts.values()].every((a) => a.alert.status === 'resolved')) this.#o.close(incident, ctx.now);
    ctx.outcome = 'resolved-alert';
    return 'stop';
  }
}
