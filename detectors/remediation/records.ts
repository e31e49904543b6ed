import type { ActionKind } from './executor.ts';
import { finalStatuses, type Proposal, type RemediationStatus, type Risk, type Signal } from './types.ts';

export interface RemediationStep {
  readonly status: RemediationStatus;
  readonly at: number;
  /** `user:NAME` for a person's decision, `system:remediation` for the engine. */
  readonly actor: string;
  readonly detail: string;
}

/** One remediation as the API shows it: what was proposed, why, and every step since. */
export interface RemediationRecord {
  readonly id: string;
  readonly policy: string;
  readonly family: string;
  readonly kind: ActionKind;
  readonly service: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly risk: Risk;
  readonly reason: string;
  readonly signal: Pick<Signal, 'kind' | 'key' | 'fingerprint' | 'title'>;
  readonly createdAt: number;
  status: RemediationStatus;
  updatedAt: number;
  dryRun?: boolean;
  /** While waiting for approval: when it expires. */
  expiresAt?: number;
  readonly steps: RemediationStep[];
}

export function newRecord(proposal: Proposal, at: number): RemediationRecord {
  const { action, signal } = proposal;
  return {
    id: action.id,
    policy: proposal.policy,
    family: proposal.family,
    kind: action.kind,
    service: action.service,
    params: action.params,
    risk: proposal.risk,
    reason: proposal.reason,
    signal: { kind: signal.kind, key: signal.key, fingerprint: signal.fingerprint, title: signal.title },
    createdAt: at,
    status: 'planned',
    updatedAt: at,
    steps: [],
  };
}

const MAX_STEPS = 20;

/** The remediations the engine knows, newest last; bounded: finished ones are forgotten first. */
export class RemediationRecords {
  readonly #max: number;
  readonly #byId = new Map<string, RemediationRecord>();

  constructor(max = 1_000) {
    this.#max = max;
  }

  add(record: RemediationRecord): void {
    this.#byId.set(record.id, record);
    if (this.#byId.size <= this.#max) return;
    const victim =
      [...this.#byId.values()].find((r) => finalStatuses.has(r.status)) ?? this.#byId.values().next().value;
    if (victim !== undefined) this.#byId.delete(victim.id);
  }

  step(record: RemediationRecord, step: RemediationStep): void {
    record.status = step.status;
    record.updatedAt = step.at;
    record.steps.push(step);
    if (record.steps.length > MAX_STEPS) record.steps.splice(1, 1);
  }

  get(id: string): RemediationRecord | undefined {
    return this.#byId.get(id);
  }

  /** A remediation of this policy on this service that has not finished: a repeated signal joins it. */
  openFor(policy: string, service: string): RemediationRecord | undefined {
    for (const r of this.#byId.values())
      if (r.policy === policy && r.service === service && !finalStatuses.has(r.status)) return r;
    return undefined;
  }

  /** Newest first, optionally only one status or one incident's (alert fingerprints). */
  list(filter: { status?: RemediationStatus; fingerprints?: ReadonlySet<string>; limit: number }): RemediationRecord[] {
    const out: RemediationRecord[] = [];
    for (const r of [...this.#byId.values()].reverse()) {
      if (filter.status !== undefined && r.status !== filter.status) continue;
      if (filter.fingerprints !== undefined && !filter.fingerprints.has(r.signal.fingerprint)) continue;
      out.push(r);
      if (out.length >= filter.limit) break;
    }
    return out;
  }
}
