import type { Alert, CorrelationWhy, Incident } from '../model.ts';
import type { IncidentCorrelator } from './correlator.ts';

/**
 * Alertmanager's grouping as a correlator: one open incident per value set of the `group_by` labels. The
 * baseline the entity correlator is measured against, run through the same pipeline.
 */
export class GroupByCorrelator implements IncidentCorrelator {
  readonly #labels: readonly string[];
  readonly #byKey = new Map<string, Incident>();
  readonly #byFingerprint = new Map<string, string>();

  constructor(labels: readonly string[]) {
    this.#labels = labels;
  }

  get openCount(): number {
    return this.#byKey.size;
  }

  incidentOf(fingerprint: string): Incident | undefined {
    const key = this.#byFingerprint.get(fingerprint);
    return key === undefined ? undefined : this.#byKey.get(key);
  }

  match(alert: Alert): Incident | undefined {
    return this.#byKey.get(this.#key(alert));
  }

  attach(incident: Incident, alert: Alert): CorrelationWhy {
    const key = this.#key(alert);
    const opened = !this.#byKey.has(key);
    this.#byKey.set(key, incident);
    this.#byFingerprint.set(alert.fingerprint, key);
    return {
      kind: opened ? 'opened' : 'joined',
      score: 1,
      shared: this.#labels.map((l) => ({ label: l, value: alert.labels[l] ?? '', weight: 1 })),
    };
  }

  detach(_incident: Incident, alert: Alert): void {
    this.#byFingerprint.delete(alert.fingerprint);
  }

  forget(_incident: Incident, fingerprint: string): void {
    this.#byFingerprint.delete(fingerprint);
  }

  feedback(): void {
    // Grouping by labels learns nothing.
  }

  close(incident: Incident): void {
    for (const [key, i] of this.#byKey) if (i.id === incident.id) this.#byKey.delete(key);
    for (const fp of incident.alerts.keys()) this.#byFingerprint.delete(fp);
  }

  #key(alert: Alert): string {
    return this.#labels.map((l) => alert.labels[l] ?? '').join('\u0000');
  }
}
