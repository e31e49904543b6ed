import { randomUUID } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { type Role } from './permissions.ts';
import { newSecret, secretHash } from './secrets.ts';
import { roleName } from './users.ts';

export const tokenName = z.string().regex(/^[A-Za-z0-9_.@:-]{1,64}$/, 'token names are 1-64 of A-Z a-z 0-9 _ . @ : -');
/** Every token carries this prefix, so a leaked one is recognisable (secret scanners) and never taken for a JWT. */
export const TOKEN_PREFIX = 'ict_';
/** Live API tokens (MAX_API_TOKENS) by default: machines hold a handful each. */
export const DEFAULT_MAX_LIVE_TOKENS = 1_000;
/**
 * A revocation committed by another process (`npm run token`) acts on every verification this long after it: the
 * platform looks for other connections' commits at most this often (a look is a syscall), and the CLI returns from a
 * revocation only this long after its commit, so a request sent after it returned is refused.
 */
export const FOREIGN_COMMIT_SEEN_WITHIN_MS = 10;

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

interface Row {
  id: string;
  name: string;
  role: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

/** A row as verify needs it: the token, and its expiry and revocation as numbers. */
interface Read {
  readonly token: ApiToken;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

/** A token that still verifies (never NULL, so NOT works); the one parameter is now (ms). */
const LIVE = 'revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function toToken(row: Row): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: roleName.parse(row.role),
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
  };
}

/** How a store may keep the rows it read: bounded, and dropped whenever the database may have changed. */
export interface TokenCache {
  /** At most this many rows are kept; the least recently used goes first. */
  readonly maxRows: number;
  /**
   * True when any connection may have committed since the last call (see CommitWatch); another process's commits
   * at most FOREIGN_COMMIT_SEEN_WITHIN_MS late. This store's own writes drop the cache themselves.
   */
  readonly changed: () => boolean;
}

/**
 * API tokens for machines: random, stored as a SHA-256 hash, role-scoped, expiring, revocable.
 *
 * With a cache, rows once read are kept in memory (a statement costs a read transaction, two lock syscalls, most of
 * a token request's access check) and all of them are dropped when a revocation here commits, and before any
 * verification that follows a commit by another connection: `npm run token -- revoke` in another process writes the
 * same file, so a revocation there acts on every request sent after the command returned. Only tokens that exist
 * are kept, so unknown secrets cannot grow the cache.
 */
export class TokenStore {
  readonly #db: DatabaseSync;
  readonly #byHash: StatementSync;
  readonly #maxLive: number;
  readonly #changed: (() => boolean) | undefined;
  /** Tokens by hash as read (revoked and expired ones too). */
  readonly #rows: LRUCache<string, Read> | undefined;

  /** `maxLive`: tokens neither revoked nor expired that may exist at once (a create beyond it is refused). */
  constructor(db: DatabaseSync, cache?: TokenCache, maxLive = DEFAULT_MAX_LIVE_TOKENS) {
    this.#db = db;
    this.#byHash = db.prepare('SELECT * FROM tokens WHERE hash = ?');
    this.#maxLive = maxLive;
    this.#changed = cache?.changed;
    this.#rows = cache === undefined ? undefined : new LRUCache({ max: cache.maxRows });
  }

  /**
   * Creates a token; the secret is returned here once and never stored. Refused (HttpError 422, nothing added) when
   * `maxLive` live tokens exist. Revoked and expired tokens do not count: the newest `maxLive` of them are kept for
   * `list`, older ones are deleted here. The count and the insert are one statement, so the CLI and the platform
   * writing the same file at once cannot pass the bound together.
   */
  create(name: string, role: Role, ttlDays?: number, now = Date.now()): { token: ApiToken; secret: string } {
    const id = randomUUID();
    const secret = TOKEN_PREFIX + newSecret();
    const expires = ttlDays === undefined ? null : now + ttlDays * 86_400_000;
    this.#db
      .prepare(
        `DELETE FROM tokens WHERE id IN (SELECT id FROM tokens WHERE NOT (${LIVE})
           ORDER BY coalesce(revoked_at, expires_at) DESC LIMIT -1 OFFSET ?)`,
      )
      .run(now, this.#maxLive);
    const added = this.#db
      .prepare(
        `INSERT INTO tokens (id, hash, name, role, created_at, expires_at) SELECT ?, ?, ?, ?, ?, ?
           WHERE (SELECT count(*) FROM tokens WHERE ${LIVE}) < ?`,
      )
      .run(id, secretHash(secret), name, role, now, expires, now, this.#maxLive).changes;
    if (added === 0)
      throw new HttpError(
        422,
        `at most ${String(this.#maxLive)} live API tokens may exist (MAX_API_TOKENS): revoke one first`,
      );
    return { token: toToken({ id, name, role, created_at: now, expires_at: expires, revoked_at: null }), secret };
  }

  /** The live token a secret presents: not revoked, not expired, as the database holds it now. */
  verify(secret: string, now = Date.now()): ApiToken | undefined {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 128) return undefined;
    const read = this.#read(secretHash(secret));
    if (read === undefined || read.revokedAt !== null || (read.expiresAt !== null && read.expiresAt <= now))
      return undefined;
    return read.token;
  }

  list(): ApiToken[] {
    return (this.#db.prepare('SELECT * FROM tokens ORDER BY created_at').all() as unknown as Row[]).map(toToken);
  }

  /** Revokes by id or by name (every live token of that name); returns how many were revoked. */
  revoke(idOrName: string, now = Date.now()): number {
    const revoked = this.#db
      .prepare('UPDATE tokens SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at IS NULL')
      .run(now, idOrName, idOrName).changes;
    this.#rows?.clear();
    return Number(revoked);
  }

  #read(hash: string): Read | undefined {
    if (this.#changed?.() === true) this.#rows?.clear();
    const cached = this.#rows?.get(hash);
    if (cached !== undefined) return cached;
    const row = this.#byHash.get(hash) as Row | undefined;
    if (row === undefined) return undefined;
    const read = { token: toToken(row), expiresAt: row.expires_at, revokedAt: row.revoked_at };
    this.#rows?.set(hash, read);
    return read;
  }

  /** Rows held in memory (for the bound's test). */
  get cachedRows(): number {
    return this.#rows?.size ?? 0;
  }
}
