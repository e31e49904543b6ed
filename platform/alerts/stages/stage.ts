import type { Alert, Enrichment, Incident, IncidentAlert } from '../model.ts';
import type { DedupOutcome } from './dedup.ts';

export type ProcessOutcome = 'deduplicated' | 'opened' | 'joined' | 'updated' | 'resolved-alert' | 'unknown-resolved';

/** One alert on its way through the stages; each stage reads what earlier ones set and adds its part. */
export interface AlertContext {
  readonly alert: Alert;
  readonly now: number;
  /** When the platform accepted the alert (wall clock), carried to notifications for latency figures. */
  readonly acceptedAt: number;
  /** What dedup made of the alert: never seen, a repeat, or a change of state. */
  seen?: DedupOutcome;
  /** The incident the fingerprint already belongs to (set by dedup). */
  existing?: Incident;
  enrichment?: Enrichment;
  /** The incident the alert is in after correlation. */
  incident?: Incident;
  /** The alert's entry in that incident. */
  entry?: IncidentAlert;
  /** Set by the stage that ends the run, or by correlation. */
  outcome?: ProcessOutcome;
}

/**
 * One step of the alert pipeline, as Alertmanager's notify pipeline composes its stages: the pipeline
 * runs them in order and stops at the first that returns 'stop' (it has set `outcome`). A stage owns its
 * state; the pipeline only wires them.
 */
export interface Stage {
  readonly name: string;
  run(ctx: AlertContext): 'continue' | 'stop';
}

/** A stage's required input, set by an earlier stage: a missing one is a wiring bug. */
export function required<T>(value: T | undefined, what: string, stage: string): T {
  if (value === undefined) throw new Error(`stage ${stage} ran without ${what}`);
  return value;
}
