import type { remediationStatuses } from '../../platform/backbone/topics.ts';
import type { RemediationAction } from './executor.ts';

export const risks = ['low', 'medium', 'high'] as const;
export type Risk = (typeof risks)[number];

/** Orders risks so that guardrails can compare them with a configured limit. */
export function riskRank(risk: Risk): number {
  return risks.indexOf(risk);
}

/** What a policy reacts to: a detection, a failure prediction, an operational alert (incident), a load forecast. */
export interface Signal {
  readonly kind: 'detection' | 'prediction' | 'incident' | 'forecast';
  /** The series key or alert fingerprint: what verification watches. */
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The alert fingerprint this signal became: the incident the remediation belongs to. */
  readonly fingerprint: string;
  readonly title: string;
  readonly at: number;
  readonly score?: number;
  readonly observed?: number;
  readonly expected?: { readonly low: number; readonly high: number };
}

/** An action a policy proposes for a signal, before any guardrail looked at it. */
export interface Proposal {
  readonly action: RemediationAction;
  readonly policy: string;
  readonly family: string;
  readonly risk: Risk;
  readonly reason: string;
  readonly signal: Signal;
  /** How long the triggering signal has to recover after the action before it is undone. */
  readonly verifyWithinMs: number;
  /** A temporary mitigation (a shed, a pause, a failover): lifted this long after its verified recovery once the
   * signal stayed normal, re-applied if it returns. */
  readonly restoreAfterMs?: number;
}

export type RemediationStatus = (typeof remediationStatuses)[number];

/** The statuses after which nothing more happens to a remediation. */
export const finalStatuses: ReadonlySet<RemediationStatus> = new Set([
  'blocked',
  'rejected',
  'expired',
  'dry_run',
  'failed',
  'verified',
  'rolled_back',
  'restored',
]);
