import type { IncomingMessage } from 'node:http';
import type { DatabaseSync } from 'node:sqlite';
import type { ShareOutcome } from '../http/fair-share.ts';
import { CommitWatch } from './commit-watch.ts';
import { identityDatabasePath, openIdentityDatabase } from './db.ts';
import { anonymousPermissions, rolePermissions, type Role } from './permissions.ts';
import type { Principal } from './principal.ts';
import { RequestRateLimits } from './rate-limit.ts';
import { decoyHash, newSecret, verifyPassword } from './secrets.ts';
import { SessionStore } from './sessions.ts';
import type { IdentitySettings } from './settings.ts';
import { SignInThrottle } from './signin-throttle.ts';
import { FOREIGN_COMMIT_SEEN_WITHIN_MS, TokenStore } from './tokens.ts';
import { UserStore, type User } from './users.ts';

/** Sessions one user may hold at once (browsers, phones). */
const SESSIONS_PER_USER = 20;
/** API tokens kept in memory (machines: a handful in practice). */
const TOKENS_CACHED = 10_000;

export type SignInResult =
  | { readonly ok: true; readonly user: User; readonly sessionId: string; readonly csrf: string }
  | { readonly ok: false; readonly reason: 'throttled'; readonly retryAfterSeconds: number }
  | { readonly ok: false; readonly reason: 'rejected'; readonly lockedOut: readonly ('account' | 'address')[] };

/** Local accounts, cookie sessions and API tokens in DATA_DIR, and who a request comes from. */
export class Identity {
  readonly settings: IdentitySettings;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly sessions: SessionStore;
  readonly throttle: SignInThrottle;
  readonly rateLimits: RequestRateLimits;
  /** The session cookie's name: `__Host-` prefixed when Secure, so no subdomain or http page can set it. */
  readonly cookieName: string;
  readonly #db: DatabaseSync;
  readonly #commits: CommitWatch;
  readonly #anonymous: Principal;

  /** identity.db, for the stores kept beside the accounts (the audit trail). */
  get database(): DatabaseSync {
    return this.#db;
  }

  /** `onAnonymousRate` hears which limit refused an anonymous request (a metric). */
  constructor(dataDir: string, settings: IdentitySettings, onAnonymousRate?: (outcome: ShareOutcome) => void) {
    this.settings = settings;
    this.#db = openIdentityDatabase(dataDir);
    this.users = new UserStore(this.#db, settings.maxAccounts);
    const commits = new CommitWatch(identityDatabasePath(dataDir), FOREIGN_COMMIT_SEEN_WITHIN_MS);
    this.#commits = commits;
    this.tokens = new TokenStore(
      this.#db,
      { maxRows: TOKENS_CACHED, changed: () => commits.changed() },
      settings.maxApiTokens,
    );
    this.sessions = new SessionStore(this.#db, { ...settings.session, maxPerUser: SESSIONS_PER_USER });
    this.throttle = new SignInThrottle(settings.signIn);
    this.rateLimits = new RequestRateLimits(settings.rateLimit, onAnonymousRate);
    this.cookieName = settings.secureCookies ? '__Host-ic_session' : 'ic_session';
    this.#anonymous = {
      kind: 'anonymous',
      name: 'anonymous',
      actor: 'anonymous',
      permissions: anonymousPermissions(settings.publicMarketData),
      mustChangePassword: false,
    };
  }

  /**
   * Who sent a request: the API token in `Authorization: Bearer`, else the session cookie, else anonymous.
   * 'invalid' when a bearer token is presented but is unknown, expired or revoked.
   */
  authenticate(request: IncomingMessage): Principal | 'invalid' {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer +(\S+)$/i.exec(authorization);
      const token = match?.[1] === undefined ? undefined : this.tokens.verify(match[1]);
      if (token === undefined) return 'invalid';
      return signedIn('token', token.name, token.role, false);
    }
    const sessionId = cookieValue(request.headers.cookie, this.cookieName);
    if (sessionId === undefined) return this.#anonymous;
    const session = this.sessions.get(sessionId);
    const user = session === undefined ? undefined : this.users.get(session.user);
    if (session === undefined || user === undefined) return this.#anonymous;
    return this.userPrincipal(user, { id: sessionId, csrf: session.csrf });
  }

  userPrincipal(user: User, session?: { id: string; csrf: string }): Principal {
    return { ...signedIn('user', user.name, user.role, user.mustChangePassword), ...(session ? { session } : {}) };
  }

  /** Checks a password under the throttle; a success opens a new session (a new id: no session fixation). */
  async signIn(name: string, password: string, address: string): Promise<SignInResult> {
    const verdict = await this.throttle.check(name, address);
    if (verdict.retryAfterSeconds !== undefined)
      return { ok: false, reason: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds };
    // An unknown account costs the same scrypt as a known one, so timing does not reveal which names exist.
    const stored = this.users.passwordHash(name) ?? (await decoyHash());
    const user = this.users.get(name);
    if (!(await verifyPassword(password, stored)) || user === undefined)
      return { ok: false, reason: 'rejected', lockedOut: await this.throttle.failed(name, address) };
    await this.throttle.succeeded(name);
    const { id, session } = this.sessions.create(user.name);
    return { ok: true, user, sessionId: id, csrf: session.csrf };
  }

  /** The Set-Cookie value that carries a session id (or clears it when undefined). */
  sessionCookie(sessionId: string | undefined): string {
    const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', ...(this.settings.secureCookies ? ['Secure'] : [])];
    const maxAge = sessionId === undefined ? 0 : Math.floor(this.settings.session.absoluteMs / 1000);
    return [`${this.cookieName}=${sessionId ?? ''}`, `Max-Age=${String(maxAge)}`, ...attributes].join('; ');
  }

  /**
   * The first start's admin account, when there is no account at all: with ADMIN_PASSWORD, or a generated
   * one-time password returned here (to be printed once) that must be changed at first sign-in.
   */
  async bootstrapAdmin(): Promise<{ name: string; oneTimePassword?: string } | undefined> {
    if (this.users.count() > 0) return undefined;
    const configured = this.settings.adminPassword;
    const password = configured ?? newSecret().slice(0, 20);
    await this.users.put('admin', 'admin', password, configured === undefined);
    return configured === undefined ? { name: 'admin', oneTimePassword: password } : { name: 'admin' };
  }

  close(): void {
    this.#commits.close();
    this.#db.close();
  }
}

function signedIn(kind: 'user' | 'token', name: string, role: Role, mustChangePassword: boolean): Principal {
  return { kind, name, role, actor: `${kind}:${name}`, permissions: rolePermissions[role], mustChangePassword };
}

/** One cookie's value from a Cookie header; undefined when absent or not a plausible session id. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{16,64}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}
