import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { roles, type Role } from './permissions.ts';
import { hashPassword } from './secrets.ts';

export const userName = z.string().regex(/^[a-z0-9][a-z0-9_.@-]{0,63}$/, 'names are 1-64 of a-z 0-9 _ . @ -');
export const password = z.string().min(12, 'at least 12 characters').max(256, 'at most 256 characters');
export const roleName = z.enum(roles);

export interface User {
  readonly name: string;
  readonly role: Role;
  readonly mustChangePassword: boolean;
  readonly createdAt: string;
}

interface Row {
  name: string;
  role: string;
  password: string | null;
  must_change: number;
  created_at: number;
}

function toUser(row: Row): User {
  return {
    name: row.name,
    role: roleName.parse(row.role),
    mustChangePassword: row.must_change === 1,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Accounts kept in memory once read; the table holds every account, so this only bounds memory. */
const CACHED_USERS = 10_000;
/** Accounts that may exist (MAX_ACCOUNTS) by default. */
export const DEFAULT_MAX_ACCOUNTS = 10_000;

/**
 * Local accounts: name, role, scrypt password hash. Accounts read are kept in memory (every cookie-authenticated
 * request looks its user up); only this store writes the table, and each write drops the account it changed.
 */
export class UserStore {
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #maxAccounts: number;
  readonly #cache = new Map<string, User>();

  /** `maxAccounts`: a new account beyond it is refused (people come from admins and from OIDC's first sign-ins). */
  constructor(db: DatabaseSync, maxAccounts = DEFAULT_MAX_ACCOUNTS) {
    this.#db = db;
    this.#get = db.prepare('SELECT * FROM users WHERE name = ?');
    this.#maxAccounts = maxAccounts;
  }

  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  get(name: string): User | undefined {
    const cached = this.#cache.get(name);
    if (cached !== undefined) return cached;
    const row = this.#get.get(name) as Row | undefined;
    if (row === undefined) return undefined;
    const user = toUser(row);
    if (this.#cache.size >= CACHED_USERS) this.#cache.clear();
    this.#cache.set(name, user);
    return user;
  }

  /** The stored password hash, for sign-in only. */
  passwordHash(name: string): string | undefined {
    return (this.#get.get(name) as Row | undefined)?.password ?? undefined;
  }

  list(): User[] {
    return (this.#db.prepare('SELECT * FROM users ORDER BY name').all() as unknown as Row[]).map(toUser);
  }

  /**
   * Creates or updates an account; a new password replaces the old one. A new account when `maxAccounts` exist is
   * refused (HttpError 422, nothing changed); checked after hashing, with no await before the write, so concurrent
   * creates cannot pass it together (only this process writes accounts).
   */
  async put(name: string, role: Role, newPassword?: string, mustChange = false): Promise<User> {
    const hash = newPassword === undefined ? undefined : await hashPassword(newPassword);
    if (this.#get.get(name) === undefined && this.count() >= this.#maxAccounts)
      throw new HttpError(422, `at most ${String(this.#maxAccounts)} accounts may exist (MAX_ACCOUNTS)`);
    this.#cache.delete(name);
    this.#db
      .prepare(
        `INSERT INTO users (name, role, password, must_change, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET role = excluded.role,
           password = coalesce(excluded.password, users.password),
           must_change = CASE WHEN excluded.password IS NULL THEN users.must_change ELSE excluded.must_change END`,
      )
      .run(name, role, hash ?? null, mustChange ? 1 : 0, Date.now());
    const user = this.get(name);
    if (user === undefined) throw new Error(`user ${name} was not stored`);
    return user;
  }

  remove(name: string): boolean {
    this.#cache.delete(name);
    return this.#db.prepare('DELETE FROM users WHERE name = ?').run(name).changes > 0;
  }
}
