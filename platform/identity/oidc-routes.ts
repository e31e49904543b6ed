import type { Request, Response, Router } from 'express';
import { peerOf } from '../http/address-key.ts';
import { HttpError } from '../http/errors.ts';
import type { Audit } from './audit.ts';
import type { Identity } from './identity.ts';
import type { IdentityMetrics } from './metrics.ts';
import type { OidcIdentity, OidcSignIn } from './oidc.ts';
import type { User } from './users.ts';

/** Where a browser lands when signing in through the provider did not work (the sign-in view explains). */
export const SIGN_IN_FAILED = '/#/sign-in?failed=organisation';

/**
 * `GET /api/identity/oidc/start` sends the browser to the identity provider; `GET /api/identity/oidc/callback` is
 * where it comes back: a verified answer signs the person in (their account is made at first sign-in, with the
 * role the operator's claim mapping gives, else viewer), anything else is a 400 with a JSON message; a browser
 * (asking for HTML) is sent back to the sign-in page instead, signed out, which tells the person it did not work.
 */
export function oidcRoutes(
  api: Router,
  deps: { identity: Identity; oidc?: OidcSignIn; audit: Audit; metrics: IdentityMetrics; publicUrl?: string },
): void {
  const { identity, audit, metrics } = deps;
  const origin = (req: Request): string =>
    new URL(deps.publicUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`).origin;
  /** A browser goes back to the sign-in page with the notice; an API client gets the error as JSON. */
  const refuse = (req: Request, res: Response, error: HttpError): void => {
    if (req.accepts(['json', 'html']) !== 'html') throw error;
    res.redirect(303, SIGN_IN_FAILED);
  };
  const configured = (): OidcSignIn => {
    if (deps.oidc === undefined) throw new HttpError(404, 'OpenID Connect sign-in is not configured');
    return deps.oidc;
  };

  api.get('/identity/oidc/start', async (req, res) => {
    const oidc = configured();
    let url: URL;
    try {
      url = await oidc.start(`${origin(req)}/api/identity/oidc/callback`, peerOf(req.ip ?? req.socket.remoteAddress));
    } catch (error) {
      // A 429: this address has too many sign-ins in progress.
      if (error instanceof HttpError) refuse(req, res, error);
      else refuse(req, res, new HttpError(503, `the identity provider cannot be reached: ${(error as Error).message}`));
      return;
    }
    res.redirect(302, url.href);
  });

  api.get('/identity/oidc/callback', async (req, res) => {
    const oidc = configured();
    let person: OidcIdentity;
    try {
      person = await oidc.finish(new URL(req.originalUrl, origin(req)));
    } catch (error) {
      metrics.signIns.inc({ outcome: 'rejected' });
      refuse(req, res, new HttpError(400, `OpenID Connect sign-in failed: ${(error as Error).message}`));
      return;
    }
    const existing = identity.users.get(person.name);
    // The provider is the source of truth for the role: it is set from the claim at every sign-in.
    let user: User;
    try {
      user = await identity.users.put(person.name, person.role);
    } catch (error) {
      // A first sign-in when MAX_ACCOUNTS accounts exist: refused like any other failed sign-in.
      if (!(error instanceof HttpError)) throw error;
      metrics.signIns.inc({ outcome: 'rejected' });
      refuse(req, res, error);
      return;
    }
    oidc.link(person.subject, user.name);
    if (existing === undefined || existing.role !== user.role) identity.sessions.removeUser(user.name);
    const { id } = identity.sessions.create(user.name);
    metrics.signIns.inc({ outcome: 'success' });
    await audit(`user:${user.name}`, 'identity.sign-in', `user/${user.name}`, {
      method: 'oidc',
      role: user.role,
      address: req.ip ?? 'unknown',
    });
    res.setHeader('Set-Cookie', identity.sessionCookie(id));
    res.redirect(302, '/#/');
  });
}
