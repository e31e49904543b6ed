import { z } from 'zod';
import { bool, commaItems, emptyToUndefined, parseEnv, positiveInt, type Env } from '../config/config.ts';
import type { OidcSettings } from './oidc.ts';
import type { Role } from './permissions.ts';
import type { RateLimitSettings } from './rate-limit.ts';
import type { RetentionSettings } from './retention.ts';

const schema = z.object({
  PUBLIC_MARKET_DATA: bool(true),
  ADMIN_PASSWORD: z.preprocess(
    emptyToUndefined,
    z.string().min(12, 'must be at least 12 characters').max(256).optional(),
  ),
  PUBLIC_URL: z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ),
  SESSION_IDLE_MINUTES: positiveInt(120, 7 * 24 * 60),
  SESSION_MAX_HOURS: positiveInt(24, 90 * 24),
  SESSION_MAX: positiveInt(10_000, 1_000_000),
  RATE_LIMIT_PER_MINUTE: positiveInt(1_200, 10_000_000),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: positiveInt(600, 10_000_000),
  RATE_LIMIT_ANONYMOUS_TOTAL_PER_MINUTE: positiveInt(60_000, 100_000_000),
  SIGNIN_LOCKOUT_FAILURES: positiveInt(10, 1_000),
  SIGNIN_LOCKOUT_MINUTES: positiveInt(15, 24 * 60),
  WS_MESSAGES_PER_SECOND: positiveInt(100, 1_000_000),
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: positiveInt(256, 1_000_000),
  HTTP_MAX_CONNECTIONS: positiveInt(10_000, 1_000_000),
  PREFIX_SHARE_PERCENT: positiveInt(25, 100),
  MAX_ACCOUNTS: positiveInt(10_000, 1_000_000),
  MAX_API_TOKENS: positiveInt(1_000, 100_000),
  AUDIT_RETENTION_DAYS: positiveInt(365, 10 * 365),
  AUDIT_MAX_ROWS: positiveInt(1_000_000, 100_000_000),
  RETENTION_SWEEP_MINUTES: positiveInt(60, 24 * 60),
  OIDC_ISSUER: z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ),
  OIDC_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().max(256).optional()),
  OIDC_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().max(1_024).optional()),
  OIDC_ROLE_CLAIM: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[\w.:-]{1,64}$/)
      .default('groups'),
  ),
  OIDC_ROLE_MAP: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .transform((s, ctx) => {
        const map: Record<string, Role> = {};
        for (const pair of commaItems(s)) {
          const [value, role] = pair.split('=').map((p) => p.trim());
          const parsed = z.enum(['viewer', 'trader', 'oncall', 'sre', 'admin']).safeParse(role);
          if (value === undefined || value === '' || !parsed.success)
            ctx.addIssue({ code: 'custom', message: `${JSON.stringify(pair)} is not VALUE=ROLE with a person's role` });
          else map[value] = parsed.data;
        }
        return map;
      }),
  ),
});

export interface IdentitySettings {
  /** Anonymous visitors may read market data (quotes, history, analytics, the market WebSocket). */
  readonly publicMarketData: boolean;
  /** The first admin's password; absent: a one-time password is generated and printed once. */
  readonly adminPassword?: string;
  /** Cookies are Secure (and `__Host-` prefixed) when the platform is served over https. */
  readonly secureCookies: boolean;
  /** PUBLIC_URL: the passkeys' relying party (and OIDC's redirect) when set; else the request's Host. */
  readonly publicUrl?: string;
  readonly session: { readonly idleMs: number; readonly absoluteMs: number; readonly maxSessions: number };
  /** Requests per minute per identity, per anonymous address and of everyone anonymous together. */
  readonly rateLimit: RateLimitSettings;
  readonly signIn: { readonly lockoutFailures: number; readonly lockoutMs: number };
  /** WebSocket messages per identity (user, token, or anonymous address) and second, over all its connections. */
  readonly wsMessagesPerSecond: number;
  /** HTTP connections (WebSocket ones included) one address (an IPv6 /64) and everyone may hold open at once. */
  readonly connectionsPerAddress: number;
  readonly maxConnections: number;
  /**
   * The share (percent) of each total (connections, sign-ins in progress, anonymous requests) that one IPv4 /24 or
   * IPv6 /48 may hold: many addresses of one network are bounded together.
   */
  readonly prefixSharePercent: number;
  /** How many accounts, and live (unrevoked, unexpired) API tokens, may exist: a create beyond it is a 422. */
  readonly maxAccounts: number;
  readonly maxApiTokens: number;
  /** How long the audit trail and sessions are kept, and how often the retention sweep runs. */
  readonly retention: RetentionSettings;
  /** OpenID Connect sign-in, when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set. */
  readonly oidc?: OidcSettings;
}

/** The identity settings from the environment (see platform/identity/README.md); throws ConfigError. */
export function loadIdentitySettings(env: Env = process.env): IdentitySettings {
  const e = parseEnv(schema, env);
  return {
    publicMarketData: e.PUBLIC_MARKET_DATA,
    ...(e.ADMIN_PASSWORD === undefined ? {} : { adminPassword: e.ADMIN_PASSWORD }),
    secureCookies: e.PUBLIC_URL?.startsWith('https:') ?? false,
    ...(e.PUBLIC_URL === undefined ? {} : { publicUrl: e.PUBLIC_URL }),
    session: {
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.SESSION_MAX_HOURS * 3_600_000,
      maxSessions: e.SESSION_MAX,
    },
    rateLimit: {
      perMinute: e.RATE_LIMIT_PER_MINUTE,
      anonymousPerMinute: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      anonymousTotalPerMinute: e.RATE_LIMIT_ANONYMOUS_TOTAL_PER_MINUTE,
      prefixPercent: e.PREFIX_SHARE_PERCENT,
    },
    signIn: { lockoutFailures: e.SIGNIN_LOCKOUT_FAILURES, lockoutMs: e.SIGNIN_LOCKOUT_MINUTES * 60_000 },
    wsMessagesPerSecond: e.WS_MESSAGES_PER_SECOND,
    connectionsPerAddress: e.HTTP_MAX_CONNECTIONS_PER_ADDRESS,
    maxConnections: e.HTTP_MAX_CONNECTIONS,
    prefixSharePercent: e.PREFIX_SHARE_PERCENT,
    maxAccounts: e.MAX_ACCOUNTS,
    maxApiTokens: e.MAX_API_TOKENS,
    retention: {
      auditMs: e.AUDIT_RETENTION_DAYS * 86_400_000,
      auditMaxRows: e.AUDIT_MAX_ROWS,
      everyMs: e.RETENTION_SWEEP_MINUTES * 60_000,
    },
    ...(e.OIDC_ISSUER !== undefined && e.OIDC_CLIENT_ID !== undefined && e.OIDC_CLIENT_SECRET !== undefined
      ? {
          oidc: {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            roleClaim: e.OIDC_ROLE_CLAIM,
            roleMap: e.OIDC_ROLE_MAP,
          },
        }
      : {}),
  };
}
