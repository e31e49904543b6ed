import type { DatabaseSync } from 'node:sqlite';

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly resource: string;
  readonly details: Record<string, unknown>;
}

interface Row {
  id: string;
  at: number;
  actor: string;
  action: string;
  resource: string;
  details: string;
}

/** Erased names remembered (bounded, in memory) so their audit events still in flight on the bus are pseudonymised. */
const REMEMBER_ERASED = 1_000;

/** Detail keys that identify a person besides the names; dropped from an erased user's entries. */
const IDENTIFYING_KEYS = new Set(['address', 'account', 'name', 'email', 'to']);

/**
 * The audit trail in identity.db: every event of the `audit` topic, kept for the retention period so a user's entries
 * can be exported and, on erasure, pseudonymised (the topic itself is an append-only log that cannot be rewritten).
 */
export class AuditTrail {
  readonly #db: DatabaseSync;
  readonly #erased = new Map<string, string>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Stores one audit event; a redelivered event (same id) is stored once. */
  record(event: AuditEntry): void {
    const entry = this.#late(event);
    this.#db
      .prepare('INSERT OR IGNORE INTO audit_trail (id, at, actor, action, resource, details) VALUES (?, ?, ?, ?, ?, ?)')
      .run(
        entry.id,
        Date.parse(entry.at) || Date.now(),
        entry.actor,
        entry.action,
        entry.resource,
        JSON.stringify(entry.details),
      );
  }

  /** The entries a user made or that are about them, oldest first, at most `limit`. */
  forUser(name: string, limit: number): AuditEntry[] {
    return this.#mentioning(name, limit).map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      action: r.action,
      resource: r.resource,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  }

  /**
   * Replaces a user's name in their entries by `pseudonym` and drops identifying details (addresses, account
   * names): the entries keep what happened and when, linkable to each other but no longer to the person.
   */
  pseudonymise(name: string, pseudonym: string): number {
    this.#erased.set(name, pseudonym);
    if (this.#erased.size > REMEMBER_ERASED) this.#erased.delete(this.#erased.keys().next().value ?? name);
    const rows = this.#mentioning(name, -1);
    const update = this.#db.prepare('UPDATE audit_trail SET actor = ?, resource = ?, details = ? WHERE id = ?');
    this.#db.exec('BEGIN');
    try {
      for (const r of rows) {
        const p = pseudonymised(
          { actor: r.actor, resource: r.resource, details: JSON.parse(r.details) as Record<string, unknown> },
          name,
          pseudonym,
        );
        update.run(p.actor, p.resource, JSON.stringify(p.details), r.id);
      }
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
    return rows.length;
  }

  /**
   * Entries that mention the user (`user:alice` as actor or owner, `user/alice` as resource), oldest first, at most
   * `limit` (-1: all): found by LIKE, confirmed by the exact pattern (names may hold `_`, a LIKE wildcard).
   */
  #mentioning(name: string, limit: number): Row[] {
    const like = `%user_${name.replaceAll('_', '\\_')}%`;
    const mentions = mentionOf(name);
    return (
      this.#db
        .prepare(
          "SELECT * FROM audit_trail WHERE actor LIKE ?1 ESCAPE '\\' OR resource LIKE ?1 ESCAPE '\\' " +
            "OR details LIKE ?1 ESCAPE '\\' ORDER BY at",
        )
        .all(like) as unknown as Row[]
    )
      .filter((r) => mentions.test(r.actor) || mentions.test(r.resource) || mentions.test(r.details))
      .slice(0, limit < 0 ? undefined : limit);
  }

  /** An event about an erased user that arrives after the erasure gets the same pseudonym. */
  #late(entry: AuditEntry): AuditEntry {
    if (this.#erased.size === 0) return entry;
    const text = `${entry.actor} ${entry.resource} ${JSON.stringify(entry.details)}`;
    for (const [name, pseudonym] of this.#erased)
      if (mentionOf(name).test(text)) return { ...entry, ...pseudonymised(entry, name, pseudonym) };
    return entry;
  }

  /** Deletes at most `limit` entries older than `before`, then the oldest beyond `maxRows`; returns how many. */
  sweep(before: number, limit: number, maxRows: number): number {
    const old = this.#db
      .prepare('DELETE FROM audit_trail WHERE id IN (SELECT id FROM audit_trail WHERE at < ? ORDER BY at LIMIT ?)')
      .run(before, limit);
    const excess = this.#db
      .prepare(`DELETE FROM audit_trail WHERE id IN (SELECT id FROM audit_trail ORDER BY at DESC LIMIT ? OFFSET ?)`)
      .run(limit, maxRows);
    return Number(old.changes) + Number(excess.changes);
  }

  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM audit_trail').get() as { n: number }).n;
  }
}

/** `user:NAME` or `user/NAME` as a whole name (not a prefix of a longer one). */
function mentionOf(name: string, flags = ''): RegExp {
  return new RegExp(`user([:/])${name.replaceAll('.', '\\.')}(?![a-z0-9_.@-])`, flags);
}

/** The entry with every mention of the user replaced by the pseudonym and identifying details dropped. */
function pseudonymised(
  entry: Pick<AuditEntry, 'actor' | 'resource' | 'details'>,
  name: string,
  pseudonym: string,
): Pick<AuditEntry, 'actor' | 'resource' | 'details'> {
  const replace = (text: string): string => text.replace(mentionOf(name, 'g'), `user$1${pseudonym}`);
  const kept = Object.fromEntries(Object.entries(entry.details).filter(([k]) => !IDENTIFYING_KEYS.has(k)));
  return {
    actor: replace(entry.actor),
    resource: replace(entry.resource),
    details: JSON.parse(replace(JSON.stringify(kept))) as Record<string, unknown>,
  };
}
