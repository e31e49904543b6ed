import { riskRank, type Proposal, type Risk } from '../types.ts';

/** Whether a proposal waits for a person: risk above the configured level ('none': everything waits). */
export function needsApproval(risk: Risk, autoMaxRisk: Risk | 'none'): boolean {
  return autoMaxRisk === 'none' || riskRank(risk) > riskRank(autoMaxRisk);
}

export interface Approver {
  readonly kind: 'user' | 'token' | 'anonymous';
  readonly role?: string | undefined;
  readonly actor: string;
}

/** Roles whose holders may approve: sre, and admin (who holds every permission). */
const approverRoles = new Set(['sre', 'admin']);

/** Why this identity may not decide, or undefined: only a person (a signed-in user, not a token) with the sre role. */
export function approverRefusal(approver: Approver): string | undefined {
  if (approver.kind !== 'user') return 'approvals are given by a person: sign in as a user with the sre role';
  if (approver.role === undefined || !approverRoles.has(approver.role)) return 'approvals need the sre role';
  return undefined;
}

export interface PendingApproval {
  readonly id: string;
  readonly proposal: Proposal;
  readonly since: number;
  readonly expiresAt: number;
}

/** Proposals waiting for a person: bounded (a full queue refuses more) and expiring. */
export class ApprovalQueue {
  readonly #maxPending: number;
  readonly #ttlMs: number;
  readonly #pending = new Map<string, PendingApproval>();

  constructor(options: { maxPending: number; ttlMs: number }) {
    this.#maxPending = options.maxPending;
    this.#ttlMs = options.ttlMs;
  }

  /** Whether another proposal may wait (the queue is bounded). */
  hasRoom(): boolean {
    return this.#pending.size < this.#maxPending;
  }

  /** `expiresAt`: a restored entry keeps the expiry it was given before a restart. */
  add(id: string, proposal: Proposal, now: number, expiresAt = now + this.#ttlMs): PendingApproval {
    if (!this.hasRoom()) throw new RangeError('the approval queue is full');
    const entry = { id, proposal, since: now, expiresAt };
    this.#pending.set(id, entry);
    return entry;
  }

  get(id: string): PendingApproval | undefined {
    return this.#pending.get(id);
  }

  /** Takes the entry out of the queue (decided); undefined when it is not (or no longer) pending. */
  take(id: string, now: number): PendingApproval | undefined {
    const entry = this.#pending.get(id);
    if (entry === undefined || entry.expiresAt <= now) return undefined;
    this.#pending.delete(id);
    return entry;
  }

  /** Removes and returns the entries whose time ran out. */
  expire(now: number): PendingApproval[] {
    const out: PendingApproval[] = [];
    for (const entry of this.#pending.values()) if (entry.expiresAt <= now) out.push(entry);
    for (const entry of out) this.#pending.delete(entry.id);
    return out;
  }

  list(): PendingApproval[] {
    return [...this.#pending.values()];
  }
}
