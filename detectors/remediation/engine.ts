import { toError } from '../../platform/async/to-error.ts';
import type { ExecutionResult, RemediationAction, RemediationExecutor } from './executor.ts';
import { ApprovalQueue, approverRefusal, needsApproval, type Approver } from './guardrails/approval.ts';
import { limitBlastRadius } from './guardrails/blast-radius.ts';
import { Cooldown } from './guardrails/cooldown.ts';
import { runsDry, type DryRunSettings } from './guardrails/dry-run.ts';
import { ActionBudget, causeKey } from './guardrails/rate-limit.ts';
import { undoAction } from './guardrails/undo.ts';
import { verifyRecovery, type SignalProbe } from './guardrails/verification.ts';
import type { PolicyFamily } from './policy/schema.ts';
import { proposalsFor } from './policy/match.ts';
import { MAX_HOLD_MS, probeQuietly, TemporaryMitigations } from './mitigations.ts';
import type { PendingStore, StoredRestore } from './pending-store.ts';
import { newRecord, RemediationRecords, type RemediationRecord } from './records.ts';
import type { Proposal, RemediationStatus, Risk, Signal } from './types.ts';

export const SYSTEM_ACTOR = 'system:remediation';

export interface EngineSettings {
  readonly dryRun: DryRunSettings;
  /** Actions above this risk wait for a person ('none': all wait). */
  readonly autoMaxRisk: Risk | 'none';
  readonly cooldownMs: number;
  /** After an action whose verification confirmed the recovery, the cooldown ends this long after the recovery. */
  readonly cooldownVerifiedMs?: number;
  readonly maxPerHour: number;
  /** Actions on one service that were not verified cures (a verified cure counts for its cause instead). */
  readonly maxPerServicePerHour: number;
  /** Verified cures of one cause (the same action for the same signal on the same service) per hour. */
  readonly maxCuresPerCausePerHour?: number;
  /** Largest share of a service's replicas one action may touch. */
  readonly maxReplicaShare: number;
  readonly maxPending: number;
  readonly approvalTtlMs: number;
  readonly verifyIntervalMs: number;
  /**
   * Detections and predictions arriving this soon after the engine started are not acted on: a cold platform's
   * start-up (compilation, caches, the first connections) looks like event-loop lag and slow requests. 0: none.
   */
  readonly warmupMs?: number;
}

/** One step as it is published (topic `remediations`) and audited, before memory changes. */
export interface StepEvent {
  readonly record: RemediationRecord;
  readonly status: RemediationStatus;
  readonly actor: string;
  readonly detail: string;
  readonly dryRun?: boolean;
}

export interface EngineOptions {
  readonly families: readonly PolicyFamily[];
  readonly executor: RemediationExecutor;
  readonly probe: SignalProbe;
  /** Persists a step (the bus, the audit log); the engine changes memory only after it resolved. */
  readonly publish: (event: StepEvent) => Promise<void>;
  /** How many replicas the action's target has now, for the blast radius; undefined when unknown. */
  readonly replicas: (action: RemediationAction) => number | undefined;
  readonly settings: EngineSettings;
  readonly onError: (error: Error, record: RemediationRecord) => void;
  readonly now?: () => number;
  /** Keeps pending approvals and mitigations to lift across restarts (saved before memory changes); without it they
   * live in memory only. */
  readonly pending?: PendingStore;
}

export type Decision =
  | { readonly ok: true; readonly record: RemediationRecord }
  | { readonly ok: false; readonly status: 403 | 404 | 409; readonly message: string };

/**
 * Policies turn signals into proposals; guardrails decide whether, when and how each runs: duplicates join the open
 * remediation, cooldown (per service and kind; after a verified cure, per cause: the triggering signal), hourly
 * budgets, blast radius, approval above a risk, dry run; after an action the triggering signal must recover within
 * the policy's deadline, else the action is undone.
 */
export class RemediationEngine {
  readonly records = new RemediationRecords();
  readonly #o: EngineOptions;
  readonly #now: () => number;
  readonly #cooldown: Cooldown;
  readonly #budget: ActionBudget;
  readonly #approvals: ApprovalQueue;
  readonly #abort = new AbortController();
  readonly #running = new Set<Promise<void>>();
  readonly #startedAt: number;
  readonly #mitigations: TemporaryMitigations;

  constructor(options: EngineOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    const s = options.settings;
    this.#cooldown = new Cooldown({ periodMs: s.cooldownMs, verifiedMs: s.cooldownVerifiedMs ?? s.cooldownMs });
    this.#budget = new ActionBudget({
      perHour: s.maxPerHour,
      perServicePerHour: s.maxPerServicePerHour,
      ...(s.maxCuresPerCausePerHour === undefined ? {} : { curesPerCausePerHour: s.maxCuresPerCausePerHour }),
    });
    this.#approvals = new ApprovalQueue({ maxPending: s.maxPending, ttlMs: s.approvalTtlMs });
    this.#mitigations = new TemporaryMitigations(options.pending);
  }

  /** Every policy's proposal for the signal, each through the guardrails. */
  async onSignal(signal: Signal): Promise<void> {
    this.#mitigations.seen(signal, this.#now());
    if (signal.kind !== 'incident' && this.#now() - this.#startedAt < (this.#o.settings.warmupMs ?? 0)) return;
    for (const proposal of proposalsFor(this.#o.families, signal)) await this.propose(proposal);
  }

  async propose(proposal: Proposal): Promise<RemediationRecord | undefined> {
    const { action } = proposal;
    if (this.#abort.signal.aborted) return undefined;
    if (this.records.openFor(proposal.policy, action.service) !== undefined) return undefined;
    // A lifted mitigation's signal under watch: its coming back re-applies that mitigation.
    if (this.#mitigations.watching(proposal.signal.key)) return undefined;
    const record = newRecord(proposal, this.#now());
    await this.#step(record, 'planned', SYSTEM_ACTOR, proposal.reason, true);
    const refusal = this.#refusal(proposal);
    if (refusal !== undefined) {
      await this.#step(record, 'blocked', SYSTEM_ACTOR, refusal);
      return record;
    }
    const radius = limitBlastRadius(action, this.#o.replicas(action), this.#o.settings.maxReplicaShare);
    if (!radius.ok) {
      await this.#step(record, 'blocked', SYSTEM_ACTOR, radius.reason);
      return record;
    }
    const bounded = { ...proposal, action: radius.action };
    if (!needsApproval(proposal.risk, this.#o.settings.autoMaxRisk)) {
      this.#track(record, this.#run(record, bounded, false, radius.detail));
      return record;
    }
    if (!this.#approvals.hasRoom()) {
      await this.#step(record, 'blocked', SYSTEM_ACTOR, 'the approval queue is full');
      return record;
    }
    const expiresAt = this.#now() + this.#o.settings.approvalTtlMs;
    await this.#step(
      record,
      'pending_approval',
      SYSTEM_ACTOR,
      `waits for an sre until ${new Date(expiresAt).toISOString()}`,
    );
    this.#o.pending?.save({ record: { ...record, expiresAt }, proposal: bounded, expiresAt });
    record.expiresAt = expiresAt;
    this.#approvals.add(record.id, bounded, this.#now(), expiresAt);
    return record;
  }

  /**
   * Puts back the approvals that were pending when the platform stopped, with their expiry (those whose time ran out
   * meanwhile expire at the next `expire()`, as an event). Returns how many; at most the queue's bound.
   */
  restorePending(): { restored: number; dropped: number; mitigations: number } {
    const { entries, invalid } = this.#o.pending?.load() ?? { entries: [], invalid: 0 };
    let restored = 0;
    let dropped = invalid;
    for (const { record, proposal, expiresAt } of entries) {
      if (this.records.get(record.id) !== undefined) continue;
      if (!this.#approvals.hasRoom()) {
        dropped += 1;
        this.#o.pending?.remove(record.id);
        continue;
      }
      this.records.add({ ...record, steps: [...record.steps], expiresAt });
      this.#approvals.add(record.id, proposal, record.updatedAt, expiresAt);
      restored += 1;
    }
    const mitigations = this.#mitigations.load();
    for (const { record } of mitigations.entries)
      if (this.records.get(record.id) === undefined) this.records.add({ ...record, steps: [...record.steps] });
    return { restored, dropped: dropped + mitigations.invalid, mitigations: mitigations.entries.length };
  }

  /**
   * Lifts the temporary mitigations whose signal stayed normal for their hold (called every second): the undo runs,
   * then the signal is watched for the policy's verification time and the mitigation re-applied if it comes back.
   */
  liftDue(): void {
    if (this.#abort.signal.aborted) return;
    for (const entry of this.#mitigations.takeDue(this.#now())) {
      const record = this.records.get(entry.record.id) ?? entry.record;
      this.#track(
        record,
        this.#lift(record, entry).finally(() => {
          this.#mitigations.done(entry.record.id);
        }),
      );
    }
  }

  /** A person's approval or rejection of a pending action. */
  async decide(id: string, approve: boolean, approver: Approver, note = ''): Promise<Decision> {
    const record = this.records.get(id);
    if (record === undefined) return { ok: false, status: 404, message: `no remediation ${id}` };
    const refusal = approverRefusal(approver);
    if (refusal !== undefined) return { ok: false, status: 403, message: refusal };
    const pending = this.#approvals.take(id, this.#now());
    if (pending === undefined)
      return { ok: false, status: 409, message: `remediation ${id} is ${record.status}, not pending` };
    const detail = `${approve ? 'approved' : 'rejected'} by ${approver.actor}${note === '' ? '' : `: ${note}`}`;
    await this.#step(record, approve ? 'approved' : 'rejected', approver.actor, detail);
    this.#o.pending?.remove(id);
    record.expiresAt = undefined;
    if (approve) {
      const refusal = this.#refusal(pending.proposal);
      if (refusal === undefined) this.#track(record, this.#run(record, pending.proposal, true));
      else await this.#step(record, 'blocked', SYSTEM_ACTOR, refusal);
    }
    return { ok: true, record };
  }

  /** Pending approvals whose time ran out become `expired`. */
  async expire(): Promise<void> {
    for (const entry of this.#approvals.expire(this.#now())) {
      const record = this.records.get(entry.id);
      if (record !== undefined) await this.#step(record, 'expired', SYSTEM_ACTOR, 'nobody approved it in time');
      this.#o.pending?.remove(entry.id);
    }
  }

  /** Stops verifications in progress (their actions stay as they are) and waits for the engine's work. */
  async close(): Promise<void> {
    this.#abort.abort();
    await Promise.allSettled([...this.#running]);
  }

  /** Waits for every action, verification and undo in progress (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #refusal(proposal: Proposal): string | undefined {
    const { action } = proposal;
    if (!this.#o.executor.supports(action.kind)) return `the ${this.#o.executor.name} executor cannot ${action.kind}`;
    const now = this.#now();
    const wait = this.#cooldown.remainingMs(action.service, action.kind, now, proposal.signal.key);
    if (wait > 0) {
      const why = this.#cooldown.recurs(action.service, action.kind, now, proposal.signal.key)
        ? 'this signal came back soon after its verified cure (a flap is not repeated; for a person)'
        : `an earlier ${action.kind} on ${action.service} is not verified yet`;
      return `cooldown: ${action.kind} on ${action.service} again in ${String(Math.ceil(wait / 1000))} s: ${why}`;
    }
    return this.#budget.refusal(action.service, now, causeKey(action.service, action.kind, proposal.signal.key));
  }

  async #lift(record: RemediationRecord, entry: StoredRestore): Promise<void> {
    const { proposal } = entry;
    const now = this.#now();
    if ((await probeQuietly(this.#o.probe, proposal.signal, record.createdAt)) !== true) {
      // Not known to be normal now: the mitigation stays, its hold starts again.
      this.#mitigations.keep({ ...entry, dueAt: now + entry.holdMs });
      return;
    }
    const lift = await undoAction(
      this.#o.executor,
      { ok: true, detail: '', undo: entry.undo },
      {
        dryRun: false,
        signal: this.#abort.signal,
      },
    );
    const held = `${String(Math.round(entry.holdMs / 1000))} s`;
    if (!lift.undone) {
      await this.#step(
        record,
        'failed',
        SYSTEM_ACTOR,
        `the mitigation could not be lifted (${lift.detail}): for a person`,
      );
      this.#mitigations.drop(record.id);
      return;
    }
    const watchS = String(Math.round(proposal.verifyWithinMs / 1000));
    const detail = `lifted, the signal normal for ${held}: ${lift.detail}; watched for ${watchS} s`;
    await this.#step(record, 'restored', SYSTEM_ACTOR, detail);
    this.#mitigations.drop(record.id);
    const back = await this.#mitigations.cameBack(proposal.signal, this.#o.probe, {
      ms: proposal.verifyWithinMs,
      intervalMs: this.#o.settings.verifyIntervalMs,
      abort: this.#abort.signal,
      // Real time, as verification's: the watch waits on real timers.
      now: Date.now,
    });
    if (!back) return;
    const refusal = this.#refusal(proposal);
    if (refusal !== undefined) {
      await this.#step(record, 'blocked', SYSTEM_ACTOR, `the signal came back after the lift: ${refusal}`);
      return;
    }
    const hold = Math.min(entry.holdMs * 2, MAX_HOLD_MS);
    await this.#run(record, proposal, entry.approved, 'the signal came back after the lift: re-applied', hold);
  }

  async #run(
    record: RemediationRecord,
    proposal: Proposal,
    approved: boolean,
    note?: string,
    holdMs = proposal.restoreAfterMs,
  ): Promise<void> {
    const { action } = proposal;
    const dryRun = runsDry(this.#o.settings.dryRun, proposal.risk, approved);
    const signal = this.#abort.signal;
    const startedAt = this.#now();
    this.#cooldown.record(action.service, action.kind, startedAt, proposal.signal.key);
    this.#budget.record(action.service, startedAt);
    let result: ExecutionResult;
    try {
      result = await this.#o.executor.execute(action, { dryRun, signal });
    } catch (error) {
      result = { ok: false, detail: toError(error).message };
    }
    const detail = note === undefined ? result.detail : `${result.detail}; ${note}`;
    record.dryRun = dryRun;
    if (!result.ok) {
      this.#cooldown.release(action.service, action.kind, startedAt);
      this.#budget.release(action.service, startedAt);
      return this.#step(record, 'failed', SYSTEM_ACTOR, detail);
    }
    if (dryRun) return this.#step(record, 'dry_run', SYSTEM_ACTOR, `dry run: ${detail}`);
    await this.#step(record, 'applied', SYSTEM_ACTOR, detail);
    const verdict = await verifyRecovery(this.#o.probe, proposal.signal, {
      deadlineMs: proposal.verifyWithinMs,
      intervalMs: this.#o.settings.verifyIntervalMs,
      abort: signal,
    });
    const seconds = (verdict.afterMs / 1000).toFixed(1);
    if (verdict.recovered) {
      const now = this.#now();
      let lifted = '';
      if (holdMs !== undefined && result.undo !== undefined) {
        if (this.#mitigations.hasRoom()) {
          this.#mitigations.keep({ record, proposal, undo: result.undo, approved, holdMs, dueAt: now + holdMs });
          lifted = `; lifted once the signal stays normal for ${String(Math.round(holdMs / 1000))} s`;
        } else lifted = '; too many mitigations in force to lift this one automatically: for a person';
      }
      await this.#step(record, 'verified', SYSTEM_ACTOR, `${verdict.detail} after ${seconds} s${lifted}`);
      this.#cooldown.verified(action.service, action.kind, startedAt, now);
      this.#budget.cured(action.service, startedAt, causeKey(action.service, action.kind, proposal.signal.key), now);
      return;
    }
    if (signal.aborted) return undefined;
    await this.#step(record, 'verification_failed', SYSTEM_ACTOR, verdict.detail);
    const undo = await undoAction(this.#o.executor, result, { dryRun: false, signal });
    await this.#step(record, undo.undone ? 'rolled_back' : 'failed', SYSTEM_ACTOR, undo.detail);
  }

  #track(record: RemediationRecord, work: Promise<void>): void {
    // A step that could not be persisted stops the remediation where it is: memory shows the last stored step.
    const tracked = work.catch((error: unknown) => {
      this.#o.onError(toError(error), record);
    });
    this.#running.add(tracked);
    void tracked.finally(() => this.#running.delete(tracked));
  }

  async #step(record: RemediationRecord, status: RemediationStatus, actor: string, detail: string, first = false) {
    await this.#o.publish({
      record,
      status,
      actor,
      detail,
      ...(record.dryRun === undefined ? {} : { dryRun: record.dryRun }),
    });
    if (first) this.records.add(record);
    this.records.step(record, { status, at: this.#now(), actor, detail });
  }
}
