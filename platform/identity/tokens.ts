import { randomUUID } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { z } from 'zod';
import { type Role } from './permissions.ts';
import { newSecret, secretHash } from './secrets.ts';
import { roleName } from './users.ts';

export const tokenName = z.string().regex(/^[A-Za-z0-9_.@:-]{1,64}$/, 'token names are 1-64 of A-Z a-z 0-9 _ . @ : -');
/** Every token carries this prefix, so a leaked one is recognisable (secret scanners) and never taken for a JWT. */
export const TOKEN_PREFIX = 'ict_';

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

/** API tokens for machines: random, stored as a SHA-256 hash, role-scoped, expiring, revocable. */
export class TokenStore {
  readonly #db: DatabaseSync;
  readonly #byHash: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#byHash = db.prepare('SELECT * FROM tokens WHERE hash = ?');
  }

  /** Creates a token; the secret is returned here once and never stored. */
  create(name: string, role: Role, ttlDays?: number, now = Date.now()): { token: ApiToken; secret: string } {
    const id = randomUUID();
    const secret = TOKEN_PREFIX + newSecret();
    const expires = ttlDays === undefined ? null : now + ttlDays * 86_400_000;
    this.#db
      .prepare('INSERT INTO tokens (id, hash, name, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, secretHash(secret), name, role, now, expires);
    return { token: toToken({ id, name, role, created_at: now, expires_at: expires, revoked_at: null }), secret };
  }

  /** The live token a secret presents: not revoked, not expired. Read from the database each time, so a revocation
   * by the CLI takes effect on the next request. */
  verify(secret: string, now = Date.now()): ApiToken | undefined {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 128) return undefined;
    const row = this.#byHash.get(secretHash(secret)) as Row | undefined;
    if (row === undefined || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now))
      return undefined;
    return toToken(row);
  }

  list(): ApiToken[] {
    return (this.#db.prepare('SELECT * FROM tokens ORDER BY created_at').all() as unknown as Row[]).map(toToken);
  }

  /** Revokes by id or by name (every live token of that name); returns how many were revoked. */
  revoke(idOrName: string, now = Date.now()): number {
    return Number(
      this.#db
        .prepare('UPDATE tokens SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at IS NULL')
        .run(now, idOrName, idOrName).changes,
    );
  }
}
