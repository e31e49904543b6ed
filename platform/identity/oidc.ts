import type { DatabaseSync } from 'node:sqlite';
import * as client from 'openid-client';
import type { Peer } from '../http/address-key.ts';
import { HttpError } from '../http/errors.ts';
import type { ShareOutcome } from '../http/fair-share.ts';
import { PendingCeremonies } from './pending-ceremonies.ts';
import type { Role } from './permissions.ts';
import { userName } from './users.ts';

/** Roles an identity provider's claim may grant (machine roles are for API tokens only). */
const personRoles: readonly Role[] = ['viewer', 'trader', 'oncall', 'sre', 'admin'];

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The claim whose value (a string or a list) is looked up in `roleMap` (e.g. `groups`). */
  readonly roleClaim: string;
  /** Claim value -> role; a user none of whose values maps gets `viewer`, the least role. */
  readonly roleMap: Readonly<Record<string, Role>>;
}

/** A sign-in started but not finished: its PKCE verifier and nonce, by state. */
interface Pending {
  readonly verifier: string;
  readonly nonce: string;
  readonly redirectUri: string;
}

const PENDING_MS = 10 * 60_000;
const MAX_PENDING = 10_000;
/** Sign-ins one address may have in progress at once. */
export const PENDING_PER_ADDRESS = 32;

/** The person an identity provider vouched for, as a local account name and role. */
export interface OidcIdentity {
  readonly subject: string;
  readonly name: string;
  readonly role: Role;
}

/**
 * OpenID Connect sign-in (openid-client): authorization code with PKCE, state and nonce; the provider is discovered
 * on first use. Pending sign-ins are kept in memory, single-use, expiring, bounded. A provider on http is accepted
 * only on a loopback address (tests, a local development IdP).
 */
export class OidcSignIn {
  readonly #settings: OidcSettings;
  readonly #db: DatabaseSync;
  readonly #pending: PendingCeremonies<Pending>;
  #config: Promise<client.Configuration> | undefined;

  /** `fairness`: the share of the pending sign-ins one network may hold (percent), and a metric of refusals. */
  constructor(
    settings: OidcSettings,
    db: DatabaseSync,
    fairness: { prefixPercent: number; onOutcome?: (outcome: ShareOutcome) => void },
  ) {
    this.#settings = settings;
    this.#db = db;
    this.#pending = new PendingCeremonies<Pending>(
      { ttlMs: PENDING_MS, max: MAX_PENDING, perOwner: PENDING_PER_ADDRESS, prefixPercent: fairness.prefixPercent },
      fairness.onOutcome,
    );
  }

  /**
   * The provider's authorization URL for a new sign-in returning to `redirectUri`, started from `address`; an HttpError
   * 429 when that address has PENDING_PER_ADDRESS sign-ins in progress.
   */
  async start(redirectUri: string, address: Peer, now = Date.now()): Promise<URL> {
    const config = await this.#discover();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    if (!this.#pending.add(state, address, { verifier, nonce, redirectUri }, now))
      throw new HttpError(
        429,
        `at most ${String(PENDING_PER_ADDRESS)} sign-ins in progress from one address (and a share of ` +
          `${String(MAX_PENDING)} from one network); finish one or wait 10 minutes`,
      );
    return client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: `openid profile email ${this.#settings.roleClaim}`,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
  }

  /** Completes a sign-in from the provider's redirect to us; throws on any failed check. */
  async finish(callback: URL, now = Date.now()): Promise<OidcIdentity> {
    const state = callback.searchParams.get('state') ?? '';
    const pending = this.#pending.take(state, now);
    if (pending === undefined) throw new Error('unknown or expired sign-in (state)');
    const config = await this.#discover();
    const current = new URL(pending.redirectUri);
    current.search = callback.search;
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: pending.verifier,
      expectedState: state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (idClaims === undefined) throw new Error('the provider returned no ID token');
    const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    const claims: Record<string, unknown> = { ...info, ...idClaims };
    return { subject: idClaims.sub, name: this.#accountName(idClaims.sub, claims), role: this.#role(claims) };
  }

  #discover(): Promise<client.Configuration> {
    const issuer = new URL(this.#settings.issuer);
    const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(issuer.hostname);
    this.#config ??= client
      .discovery(
        issuer,
        this.#settings.clientId,
        undefined,
        client.ClientSecretPost(this.#settings.clientSecret),
        // Plain http only to a provider on this machine (tests, a local development IdP); the library marks this
        // deprecated to make it stand out, which is the point.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        issuer.protocol === 'http:' && loopback ? { execute: [client.allowInsecureRequests] } : {},
      )
      .catch((error: unknown) => {
        this.#config = undefined; // discovery is retried at the next sign-in
        throw error;
      });
    return this.#config;
  }

  /**
   * The local account this subject signs in as: the one linked before, else a new one named after
   * `preferred_username` (or the e-mail's local part) when that name is free, else `oidc-` + a hash of the subject.
   */
  #accountName(subject: string, claims: Record<string, unknown>): string {
    const issuer = this.#settings.issuer;
    const linked = this.#db
      .prepare('SELECT user FROM oidc_links WHERE issuer = ? AND subject = ?')
      .get(issuer, subject) as { user: string } | undefined;
    if (linked !== undefined) return linked.user;
    const wanted = [
      claims.preferred_username,
      typeof claims.email === 'string' ? claims.email.split('@')[0] : undefined,
    ]
      .map((c) => (typeof c === 'string' ? c.toLowerCase() : ''))
      .find((c) => userName.safeParse(c).success && !this.#taken(c));
    const name = wanted ?? `oidc-${Buffer.from(subject).toString('hex').slice(0, 40)}`;
    return name;
  }

  /** Records that `subject` signs in as `user` (after the account exists). */
  link(subject: string, user: string): void {
    this.#db
      .prepare('INSERT OR IGNORE INTO oidc_links (issuer, subject, user) VALUES (?, ?, ?)')
      .run(this.#settings.issuer, subject, user);
  }

  #taken(name: string): boolean {
    return this.#db.prepare('SELECT 1 FROM users WHERE name = ?').get(name) !== undefined;
  }

  #role(claims: Record<string, unknown>): Role {
    const raw = claims[this.#settings.roleClaim];
    const values = Array.isArray(raw) ? raw : [raw];
    const granted = values.flatMap((v) => (typeof v === 'string' ? [this.#settings.roleMap[v]] : []));
    // The most privileged role any value grants; none: the least.
    return [...personRoles].reverse().find((r) => granted.includes(r)) ?? 'viewer';
  }
}
