import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LRUCache } from 'lru-cache';
import { newSecret, secretHash } from './secrets.ts';

export interface SessionLimits {
  /** A session unused this long ends. */
  readonly idleMs: number;
  /** A session ends this long after sign-in, used or not. */
  readonly absoluteMs: number;
  /** Sessions kept in all; the least recently used goes first. */
  readonly maxSessions: number;
  /** Sessions kept per user (browsers, phones). */
  readonly maxPerUser: number;
}

export interface Session {
  readonly user: string;
  readonly csrf: string;
  readonly createdAt: number;
}

interface Row {
  user: string;
  csrf: string;
  created_at: number;
  seen_at: number;
}

/** Write the last-seen time at most this often: a read-mostly table keeps requests cheap. */
const TOUCH_EVERY_MS = 30_000;

/**
 * Cookie sessions stored by the SHA-256 of their id, with idle and absolute expiry and a bounded table.
 *
 * Rows read are kept in memory (a statement on the WAL database costs about 10 us, most of a request's access
 * check): the cache mirrors the table, and every write here removes or updates the rows it touched (DELETE ...
 * RETURNING), so a sign-out, an erasure or an eviction ends the session at once. Only this process writes sessions:
 * DATA_DIR is locked to one platform process, and `npm run token` touches API tokens only.
 */
export class SessionStore {
  readonly #db: DatabaseSync;
  readonly #limits: SessionLimits;
  readonly #get: StatementSync;
  readonly #touch: StatementSync;
  readonly #remove: StatementSync;
  /** Rows by hash; never more than the table may hold. */
  readonly #cache: LRUCache<string, Row>;

  constructor(db: DatabaseSync, limits: SessionLimits) {
    this.#db = db;
    this.#limits = limits;
    this.#cache = new LRUCache({ max: limits.maxSessions });
    this.#get = db.prepare('SELECT user, csrf, created_at, seen_at FROM sessions WHERE hash = ?');
    this.#touch = db.prepare('UPDATE sessions SET seen_at = ? WHERE hash = ?');
    this.#remove = db.prepare('DELETE FROM sessions WHERE hash = ?');
  }

  /** A new session for `user` (sign-in always makes a new id: no fixation); returns the id for the cookie. */
  create(user: string, now = Date.now()): { id: string; session: Session } {
    this.#expire(now);
    const { maxSessions, maxPerUser } = this.#limits;
    this.#forget(
      this.#db
        .prepare(
          `DELETE FROM sessions WHERE hash IN (SELECT hash FROM sessions WHERE user = ? ORDER BY seen_at DESC
           LIMIT -1 OFFSET ?) RETURNING hash`,
        )
        .all(user, maxPerUser - 1),
    );
    this.#forget(
      this.#db
        .prepare(
          `DELETE FROM sessions WHERE hash IN (SELECT hash FROM sessions ORDER BY seen_at DESC LIMIT -1 OFFSET ?)
           RETURNING hash`,
        )
        .all(maxSessions - 1),
    );
    const id = newSecret();
    const csrf = newSecret();
    this.#db
      .prepare('INSERT INTO sessions (hash, user, csrf, created_at, seen_at) VALUES (?, ?, ?, ?, ?)')
      .run(secretHash(id), user, csrf, now, now);
    return { id, session: { user, csrf, createdAt: now } };
  }

  /** The live session of a cookie value, refreshing its idle timer; undefined if unknown or expired. */
  get(id: string, now = Date.now()): Session | undefined {
    if (id.length === 0 || id.length > 64) return undefined;
    const hash = secretHash(id);
    const row = this.#read(hash);
    if (row === undefined) return undefined;
    if (now - row.seen_at > this.#limits.idleMs || now - row.created_at > this.#limits.absoluteMs) {
      this.#cache.delete(hash);
      this.#remove.run(hash);
      return undefined;
    }
    if (now - row.seen_at > TOUCH_EVERY_MS) {
      this.#touch.run(now, hash);
      row.seen_at = now;
    }
    return { user: row.user, csrf: row.csrf, createdAt: row.created_at };
  }

  remove(id: string): void {
    const hash = secretHash(id);
    this.#cache.delete(hash);
    this.#remove.run(hash);
  }

  /** Ends every session of a user (password change, role change, removal). */
  removeUser(user: string): void {
    this.#forget(this.#db.prepare('DELETE FROM sessions WHERE user = ? RETURNING hash').all(user));
  }

  /** A user's sessions as they may see them (never the id or CSRF token), for a personal-data export. */
  listUser(user: string): { createdAt: string; lastSeenAt: string }[] {
    const rows = this.#db
      .prepare('SELECT created_at, seen_at FROM sessions WHERE user = ? ORDER BY created_at')
      .all(user) as { created_at: number; seen_at: number }[];
    return rows.map((r) => ({
      createdAt: new Date(r.created_at).toISOString(),
      lastSeenAt: new Date(r.seen_at).toISOString(),
    }));
  }

  /** Deletes at most `limit` expired sessions (the retention sweep); returns how many. */
  sweep(now: number, limit: number): number {
    const removed = this.#db
      .prepare(
        `DELETE FROM sessions WHERE hash IN (SELECT hash FROM sessions WHERE seen_at < ? OR created_at < ? LIMIT ?)
         RETURNING hash`,
      )
      .all(now - this.#limits.idleMs, now - this.#limits.absoluteMs, limit);
    this.#forget(removed);
    return removed.length;
  }

  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  }

  #expire(now: number): void {
    this.#forget(
      this.#db
        .prepare('DELETE FROM sessions WHERE seen_at < ? OR created_at < ? RETURNING hash')
        .all(now - this.#limits.idleMs, now - this.#limits.absoluteMs),
    );
  }

  /** The row of a hash, from memory when it was read before. */
  #read(hash: string): Row | undefined {
    const cached = this.#cache.get(hash);
    if (cached !== undefined) return cached;
    const row = this.#get.get(hash) as Row | undefined;
    if (row === undefined) return undefined;
    const copy = { user: row.user, csrf: row.csrf, created_at: row.created_at, seen_at: row.seen_at };
    this.#cache.set(hash, copy);
    return copy;
  }

  #forget(rows: readonly Record<string, unknown>[]): void {
    for (const { hash } of rows) if (typeof hash === 'string') this.#cache.delete(hash);
  }
}
