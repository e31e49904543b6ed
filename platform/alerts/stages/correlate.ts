import { randomBytes } from 'node:crypto';
import type { IncidentCorrelator } from '../correlation/correlator.ts';
import type { Alert, CorrelationWhy, Incident, Labels } from '../model.ts';
import { serviceOf } from './enrich.ts';
import type { Topology } from './topology.ts';

export interface CorrelateOptions {
  readonly windowMs: number;
  readonly maxHops: number;
  readonly equal: readonly string[];
  readonly labels: readonly string[];
  readonly similarity: number;
}

/** A few labels sets per incident stand for it in similarity checks, so a check is O(1) in incident size. */
const maxRepresentatives = 16;

interface Open {
  readonly incident: Incident;
  readonly equalKey: string;
  readonly services: Set<string>;
  readonly representatives: Map<string, Labels>;
}

export function newIncidentId(now: number): string {
  return `inc-${now.toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Jaccard similarity of the chosen labels' name=value pairs. */
export function labelSimilarity(a: Labels, b: Labels, names: readonly string[]): number {
  let both = 0;
  let either = 0;
  for (const n of names) {
    const x = a[n];
    const y = b[n];
    if (x === undefined && y === undefined) continue;
    either += x !== undefined && y !== undefined && x !== y ? 2 : 1;
    if (x !== undefined && x === y) both++;
  }
  return either === 0 ? 0 : both / either;
}

/**
 * Stage 3: puts an alert into an incident. It rejoins the incident it was in; otherwise it joins the
 * open incident that is close in time (event time within the window), has the same `equal` labels, and
 * is either near in the service topology or similar in labels; otherwise it opens a new incident.
 */
export class Correlator implements IncidentCorrelator {
  readonly #options: CorrelateOptions;
  readonly #topology: Topology;
  readonly #open = new Map<string, Open>();
  readonly #byFingerprint = new Map<string, string>();

  constructor(options: CorrelateOptions, topology: Topology) {
    this.#options = options;
    this.#topology = topology;
  }

  /** The open incident this fingerprint belongs to. */
  incidentOf(fingerprint: string): Incident | undefined {
    const id = this.#byFingerprint.get(fingerprint);
    return id === undefined ? undefined : this.#open.get(id)?.incident;
  }

  /** The best open incident for a firing alert, or undefined when it should open a new one. */
  match(alert: Alert): Incident | undefined {
    const known = this.incidentOf(alert.fingerprint);
    if (known !== undefined) return known;
    const key = this.#equalKey(alert.labels);
    const service = serviceOf(alert.labels);
    let best: { open: Open; score: number } | undefined;
    for (const open of this.#open.values()) {
      if (open.equalKey !== key || Math.abs(alert.startsAt - open.incident.lastAlertAt) > this.#options.windowMs)
        continue;
      const score = this.#score(alert.labels, service, open);
      if (
        score > 0 &&
        (best === undefined ||
          score > best.score ||
          (score === best.score && open.incident.lastAlertAt > best.open.incident.lastAlertAt))
      )
        best = { open, score };
    }
    return best?.open.incident;
  }

  /** Registers an alert as part of an incident (new or existing). */
  attach(incident: Incident, alert: Alert): CorrelationWhy {
    let open = this.#open.get(incident.id);
    const opened = open === undefined;
    if (open === undefined) {
      open = { incident, equalKey: this.#equalKey(alert.labels), services: new Set(), representatives: new Map() };
      this.#open.set(incident.id, open);
    }
    this.#byFingerprint.set(alert.fingerprint, incident.id);
    const service = serviceOf(alert.labels);
    if (service !== undefined) open.services.add(service);
    const rep = `${alert.labels.alertname ?? ''}\u0000${service ?? ''}`;
    if (open.representatives.size < maxRepresentatives && !open.representatives.has(rep))
      open.representatives.set(rep, alert.labels);
    return { kind: opened ? 'opened' : 'joined', score: 0, shared: [] };
  }

  detach(_incident: Incident, alert: Alert): void {
    this.#byFingerprint.delete(alert.fingerprint);
  }

  forget(_incident: Incident, fingerprint: string): void {
    this.#byFingerprint.delete(fingerprint);
  }

  feedback(): void {
    // The configured topology is not learnt.
  }

  /** A resolved incident takes no more alerts: its fingerprints open a new incident next time. */
  close(incident: Incident): void {
    this.#open.delete(incident.id);
    for (const fp of incident.alerts.keys())
      if (this.#byFingerprint.get(fp) === incident.id) this.#byFingerprint.delete(fp);
  }

  get openCount(): number {
    return this.#open.size;
  }

  #equalKey(labels: Labels): string {
    return this.#options.equal.map((n) => labels[n] ?? '').join('\u0000');
  }

  #score(labels: Labels, service: string | undefined, open: Open): number {
    let score = 0;
    if (service !== undefined) {
      for (const s of open.services) {
        const d = this.#topology.distance(service, s);
        if (d !== undefined) score = Math.max(score, 1 - d / (this.#options.maxHops + 1));
        if (score === 1) return 1;
      }
    }
    for (const rep of open.representatives.values()) {
      const sim = labelSimilarity(labels, rep, this.#options.labels);
      if (sim >= this.#options.similarity) score = Math.max(score, sim);
    }
    return score;
  }
}
