import { randomBytes } from 'node:crypto';
import type { AuditTrail } from './audit-trail.ts';
import type { Identity } from './identity.ts';
import type { PasskeyStore } from './passkeys.ts';
import type { PersonalDataRegistry } from './personal-data.ts';

/** Audit entries one export carries at most (the trail is itself bounded by retention). */
const EXPORT_AUDIT_LIMIT = 10_000;

/** What erasure did: records deleted per holder, audit entries pseudonymised, and the pseudonym they now carry. */
export interface Erasure {
  readonly pseudonym: string;
  readonly deleted: Record<string, number>;
  readonly auditPseudonymised: number;
}

/**
 * The GDPR operations on one user (PROCESSING.md): export of everything the platform keeps about them, and erasure
 * (account, sessions, passkeys, the services' data; audit entries pseudonymised rather than deleted, so the trail
 * of what was done stays whole).
 */
export class PersonalData {
  readonly #identity: Identity;
  readonly #trail: AuditTrail;
  readonly #holders: PersonalDataRegistry;
  readonly #passkeys: PasskeyStore;

  constructor(identity: Identity, trail: AuditTrail, holders: PersonalDataRegistry, passkeys: PasskeyStore) {
    this.#identity = identity;
    this.#trail = trail;
    this.#holders = holders;
    this.#passkeys = passkeys;
  }

  /** The user's data as JSON; undefined when there is no such user. */
  export(name: string, now = new Date()): Record<string, unknown> | undefined {
    const user = this.#identity.users.get(name);
    if (user === undefined) return undefined;
    const subject = { name, actor: `user:${name}` };
    return {
      subject: name,
      exportedAt: now.toISOString(),
      account: user,
      sessions: this.#identity.sessions.listUser(name),
      passkeys: this.#passkeys.list(name),
      auditTrail: this.#trail.forUser(name, EXPORT_AUDIT_LIMIT),
      services: this.#holders.export(subject),
    };
  }

  /**
   * Erases the user: the services' data first, then sessions and the account (a failure half-way leaves the account,
   * so the erasure can be repeated), then their audit entries get a random pseudonym that nothing maps back.
   */
  erase(name: string): Erasure | undefined {
    if (this.#identity.users.get(name) === undefined) return undefined;
    const deleted = this.#holders.erase({ name, actor: `user:${name}` });
    this.#identity.sessions.removeUser(name);
    this.#identity.users.remove(name);
    const pseudonym = `erased-${randomBytes(6).toString('hex')}`;
    return {
      pseudonym,
      deleted: { ...deleted, account: 1 },
      auditPseudonymised: this.#trail.pseudonymise(name, pseudonym),
    };
  }
}
