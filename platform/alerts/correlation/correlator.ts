import type { Alert, CorrelationWhy, Incident } from '../model.ts';

/** Stage 3 of the pipeline: which incident an alert belongs to. */
export interface IncidentCorrelator {
  readonly openCount: number;
  /** The open incident this fingerprint belongs to. */
  incidentOf(fingerprint: string): Incident | undefined;
  /** The open incident a firing alert should join, or undefined to open a new one. */
  match(alert: Alert): Incident | undefined;
  /** Registers an alert as part of an incident (new or existing); says why it is there. */
  attach(incident: Incident, alert: Alert): CorrelationWhy;
  /** Takes an alert out of its incident (an operator split it off). */
  detach(incident: Incident, alert: Alert): void;
  /**
   * A resolved alert of an open incident left memory (it stays stored): forget its fingerprint, keep what
   * it said as evidence about the incident.
   */
  forget(incident: Incident, fingerprint: string): void;
  /** Operators' verdict on two incidents: learnt by correlators that learn. */
  feedback(a: Incident, b: Incident, verdict: 'together' | 'apart'): void;
  /** A resolved incident takes no more alerts. */
  close(incident: Incident): void;
  /**
   * Incidents the last attached alert showed to be one (it had the evidence to join each): the pipeline
   * moves `from`'s alerts into `into` and resolves `from`. Correlators that never merge leave it out.
   */
  takeMerges?(): readonly IncidentMerge[];
}

export interface IncidentMerge {
  readonly into: Incident;
  readonly from: Incident;
  /** The bridging alert's evidence for joining `from`. */
  readonly why: CorrelationWhy;
}
