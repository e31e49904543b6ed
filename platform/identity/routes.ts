import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { addressKey } from '../http/address-key.ts';
import { HttpError } from '../http/errors.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Audit } from './audit.ts';
import { eraseAsAdmin } from './data-routes.ts';
import type { PersonalData } from './gdpr.ts';
import type { Identity } from './identity.ts';
import type { IdentityMetrics } from './metrics.ts';
import { principalOf, type Principal } from './principal.ts';
import { verifyPassword } from './secrets.ts';
import { tokenName } from './tokens.ts';
import { password, roleName, userName } from './users.ts';

export const signInBody = z.strictObject({ name: z.string().max(64), password: z.string().max(256) });
export const passwordBody = z.strictObject({ current: z.string().max(256), next: password });
export const userBody = z.strictObject({ role: roleName, password: password.optional() });
export const tokenBody = z.strictObject({
  name: tokenName,
  role: roleName,
  ttlDays: z.number().int().min(1).max(3_650).optional(),
});
export const tokenId = z.uuid('not a token id');

function describe(principal: Principal, publicMarketData: boolean, oidc = false): Record<string, unknown> {
  return {
    kind: principal.kind,
    name: principal.name,
    role: principal.role ?? null,
    actor: principal.actor,
    permissions: [...principal.permissions].sort(),
    mustChangePassword: principal.mustChangePassword,
    publicMarketData,
    /** Whether "Sign in with your organisation" (OpenID Connect) is offered. */
    oidc,
    ...(principal.session === undefined ? {} : { csrf: principal.session.csrf }),
  };
}

/** Sign-in and sign-out, the current identity, password change, and the admin's users and tokens. */
export function identityRoutes(
  api: Router,
  deps: { identity: Identity; audit: Audit; metrics: IdentityMetrics; logger: Logger; data: PersonalData },
): void {
  const { identity, audit, metrics, logger } = deps;
  const publicMarket = identity.settings.publicMarketData;
  const actor = (req: Request): string => principalOf(req).actor;

  api.get('/identity/me', (req, res) => {
    res.json(describe(principalOf(req), publicMarket, identity.settings.oidc !== undefined));
  });

  api.post('/identity/session', async (req, res) => {
    const { name, password: given } = signInBody.parse(req.body);
    const address = req.ip ?? 'unknown';
    // Throttled per address key (an IPv6 /64, whose host may use any of its addresses); audited as given.
    const result = await identity.signIn(name, given, addressKey(address));
    if (!result.ok && result.reason === 'throttled') {
      metrics.signIns.inc({ outcome: 'throttled' });
      res.setHeader('Retry-After', String(result.retryAfterSeconds));
      res.status(429).json({ error: `too many failed sign-ins: retry in ${String(result.retryAfterSeconds)} s` });
      return;
    }
    if (!result.ok) {
      metrics.signIns.inc({ outcome: 'rejected' });
      await audit(`user:${name}`, 'identity.sign-in-failed', `user/${name}`, { address });
      for (const scope of result.lockedOut) {
        metrics.lockouts.inc({ scope });
        const subject = scope === 'account' ? `user/${name}` : `address/${address}`;
        logger.warn({ scope, account: name, address }, `sign-in locked out for ${subject} after repeated failures`);
        await audit('system:identity', 'identity.lockout', subject, { account: name, address });
      }
      res.status(401).json({ error: 'wrong name or password' });
      return;
    }
    metrics.signIns.inc({ outcome: 'success' });
    await audit(`user:${result.user.name}`, 'identity.sign-in', `user/${result.user.name}`, { address });
    res.setHeader('Set-Cookie', identity.sessionCookie(result.sessionId));
    res.json(describe(identity.userPrincipal(result.user, { id: result.sessionId, csrf: result.csrf }), publicMarket));
  });

  api.delete('/identity/session', async (req, res) => {
    const principal = principalOf(req);
    if (principal.session !== undefined) identity.sessions.remove(principal.session.id);
    await audit(principal.actor, 'identity.sign-out', `user/${principal.name}`);
    res.setHeader('Set-Cookie', identity.sessionCookie(undefined));
    res.status(204).end();
  });

  api.post('/identity/password', async (req, res) => {
    const principal = principalOf(req);
    if (principal.kind !== 'user') throw new HttpError(400, 'only a signed-in user has a password');
    const body = passwordBody.parse(req.body);
    const stored = identity.users.passwordHash(principal.name);
    if (stored === undefined || !(await verifyPassword(body.current, stored)))
      throw new HttpError(403, 'the current password is wrong');
    const user = await identity.users.put(principal.name, principal.role ?? 'viewer', body.next, false);
    identity.sessions.removeUser(user.name);
    const { id, session } = identity.sessions.create(user.name);
    await audit(principal.actor, 'identity.password-change', `user/${user.name}`);
    res.setHeader('Set-Cookie', identity.sessionCookie(id));
    res.json(describe(identity.userPrincipal(user, { id, csrf: session.csrf }), publicMarket));
  });

  api.get('/identity/users', (_req, res) => {
    res.json({ users: identity.users.list() });
  });
  api.put('/identity/users/:name', async (req, res) => {
    const name = userName.parse(req.params.name);
    const body = userBody.parse(req.body);
    const existing = identity.users.get(name);
    if (existing === undefined && body.password === undefined) throw new HttpError(400, 'a new user needs a password');
    const user = await identity.users.put(name, body.role, body.password, body.password !== undefined);
    if (body.password !== undefined || existing?.role !== body.role) identity.sessions.removeUser(name);
    await audit(actor(req), existing === undefined ? 'user.create' : 'user.update', `user/${name}`, {
      role: body.role,
    });
    res.status(existing === undefined ? 201 : 200).json(user);
  });
  api.delete('/identity/users/:name', async (req, res) => {
    // Removing a user is erasing them (GDPR): their data goes, their audit entries are pseudonymised.
    await eraseAsAdmin(deps, principalOf(req).name, actor(req), userName.parse(req.params.name));
    res.status(204).end();
  });

  api.get('/identity/tokens', (_req, res) => {
    res.json({ tokens: identity.tokens.list() });
  });
  api.post('/identity/tokens', async (req, res) => {
    const body = tokenBody.parse(req.body);
    const { token, secret } = identity.tokens.create(body.name, body.role, body.ttlDays);
    await audit(actor(req), 'token.create', `token/${token.id}`, { name: token.name, role: token.role });
    res.status(201).json({ ...token, secret });
  });
  api.delete('/identity/tokens/:id', async (req, res: Response) => {
    const id = tokenId.parse(req.params.id);
    if (identity.tokens.revoke(id) === 0) throw new HttpError(404, `no live token ${id}`);
    await audit(actor(req), 'token.revoke', `token/${id}`);
    res.status(204).end();
  });
}
