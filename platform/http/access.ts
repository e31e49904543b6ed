import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { peerOf } from './address-key.ts';
import type { Identity } from '../identity/identity.ts';
import type { IdentityMetrics } from '../identity/metrics.ts';
import { routePermissions } from '../identity/permissions.ts';
import { runAs, type Principal } from '../identity/principal.ts';
import type { RateRefusal } from '../identity/rate-limit.ts';
import { RouteMatcher } from '../identity/route-matcher.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What each rate limit is, for the 429's message. */
const RATE_LIMITS: Readonly<Record<RateRefusal['limit'], string>> = {
  identity: "this user's or token's own, RATE_LIMIT_PER_MINUTE",
  address: 'anonymous requests from this address, RATE_LIMIT_ANONYMOUS_PER_MINUTE',
  prefix: "this network's share of anonymous requests, PREFIX_SHARE_PERCENT",
  total: 'anonymous requests in all, RATE_LIMIT_ANONYMOUS_TOTAL_PER_MINUTE; this network is among the busiest',
};

function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * The one place access is decided. Every request is authenticated (bearer token, session cookie, or anonymous),
 * its route looked up in the permission table (an undeclared route is refused), cookie-authenticated writes must
 * carry the session's CSRF token, and non-public routes are rate limited per identity (anonymous: per address).
 */
export function accessControl(identity: Identity, metrics: IdentityMetrics): RequestHandler {
  const matcher = new RouteMatcher(routePermissions);
  const refuse = (res: Response, status: number, who: Principal | 'invalid', error: string): void => {
    const kind = who === 'invalid' ? 'token' : who.kind;
    const token = who !== 'invalid' && who.kind === 'token' ? who.name : '';
    metrics.refused.inc({ status: String(status), kind, token });
    res.status(status).json({ error });
  };
  return (req, res, next) => {
    const principal = identity.authenticate(req);
    if (principal === 'invalid') {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      refuse(res, 401, 'invalid', 'the bearer token is unknown, expired or revoked');
      return;
    }
    // A CORS preflight carries no credentials and changes nothing: the CORS policy answers it.
    if (req.method === 'OPTIONS' && matcher.allowed(req.path).length > 0) {
      runAs(req, principal, next);
      return;
    }
    const permission = matcher.permissionOf(req.method, req.path);
    if (permission === undefined) {
      const allow = matcher.allowed(req.path);
      if (allow.length > 0) {
        res.setHeader('Allow', allow.join(', '));
        refuse(res, 405, principal, `${req.method} is not allowed on ${req.path}`);
        return;
      }
      refuse(res, 403, principal, `no permission is declared for ${req.method} ${req.path}`);
      return;
    }
    if (!principal.permissions.has(permission)) {
      if (principal.kind === 'anonymous') refuse(res, 401, principal, 'sign in or present an API token');
      else refuse(res, 403, principal, `role ${principal.role ?? 'none'} lacks permission ${permission}`);
      return;
    }
    if (principal.mustChangePassword && permission !== 'public' && permission !== 'signed-in') {
      refuse(res, 403, principal, 'change the one-time password first (POST /api/identity/password)');
      return;
    }
    if (principal.session !== undefined && !SAFE_METHODS.has(req.method)) {
      if (!sameSecret(req.header('x-csrf-token'), principal.session.csrf)) {
        refuse(res, 403, principal, 'missing or wrong x-csrf-token for a cookie-authenticated write');
        return;
      }
    }
    if (permission === 'public') {
      runAs(req, principal, next);
      return;
    }
    // req.ip is a getter that parses addresses against the trusted proxies: asked only for anonymous requests.
    const refusal = identity.rateLimits.consume(
      principal.kind === 'anonymous' ? { peer: peerOf(req.ip) } : { actor: principal.actor },
    );
    if (refusal === undefined) {
      runAs(req, principal, next);
      return;
    }
    res.setHeader('Retry-After', String(refusal.retryAfter));
    refuse(
      res,
      429,
      principal,
      `rate limit exceeded (${RATE_LIMITS[refusal.limit]}): retry in ${String(refusal.retryAfter)} s`,
    );
  };
}
