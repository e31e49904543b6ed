import type { Response, Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import type { Audit } from './audit.ts';
import type { PersonalData } from './gdpr.ts';
import type { Identity } from './identity.ts';
import { principalOf } from './principal.ts';
import { verifyPassword } from './secrets.ts';
import { userName } from './users.ts';

export const eraseBody = z.strictObject({ password: z.string().max(256) });

/**
 * GDPR: a user's export of their own data and their own erasure (with their password), and the admin's export and
 * erasure of any user (`DELETE /api/identity/users/:name` erases: routes.ts delegates here).
 */
export function dataRoutes(api: Router, deps: { identity: Identity; data: PersonalData; audit: Audit }): void {
  const { identity, data, audit } = deps;

  const userOf = (req: object): string => {
    const principal = principalOf(req);
    if (principal.kind !== 'user') throw new HttpError(400, 'only a signed-in user has personal data here');
    return principal.name;
  };
  const lastAdmin = (name: string): boolean =>
    identity.users.get(name)?.role === 'admin' && identity.users.list().filter((u) => u.role === 'admin').length === 1;
  const sendExport = (name: string, res: Response): void => {
    const body = data.export(name);
    if (body === undefined) throw new HttpError(404, `no user ${name}`);
    res.setHeader('Content-Disposition', `attachment; filename="insitechart-${name}.json"`);
    res.json(body);
  };

  api.get('/identity/me/data', async (req, res) => {
    const name = userOf(req);
    await audit(`user:${name}`, 'user.export', `user/${name}`);
    sendExport(name, res);
  });
  api.get('/identity/users/:name/data', async (req, res) => {
    const name = userName.parse(req.params.name);
    if (identity.users.get(name) === undefined) throw new HttpError(404, `no user ${name}`);
    await audit(principalOf(req).actor, 'user.export', `user/${name}`);
    sendExport(name, res);
  });

  api.post('/identity/me/erase', async (req, res) => {
    const name = userOf(req);
    const { password } = eraseBody.parse(req.body);
    const stored = identity.users.passwordHash(name);
    if (stored === undefined || !(await verifyPassword(password, stored)))
      throw new HttpError(403, 'the password is wrong');
    if (lastAdmin(name)) throw new HttpError(409, 'the last admin cannot be erased: make another admin first');
    const erased = data.erase(name);
    if (erased === undefined) throw new HttpError(404, `no user ${name}`);
    // Recorded under the pseudonym: the audit trail must not name the person again.
    await audit(`user:${erased.pseudonym}`, 'user.erase', `user/${erased.pseudonym}`, { deleted: erased.deleted });
    res.setHeader('Set-Cookie', identity.sessionCookie(undefined));
    res.json(erased);
  });
}

/** The admin's erasure of a user, shared with `DELETE /api/identity/users/:name`. */
export async function eraseAsAdmin(
  deps: { identity: Identity; data: PersonalData; audit: Audit },
  admin: string,
  adminActor: string,
  name: string,
): Promise<void> {
  if (name === admin) throw new HttpError(400, 'you cannot remove yourself');
  const erased = deps.data.erase(name);
  if (erased === undefined) throw new HttpError(404, `no user ${name}`);
  await deps.audit(adminActor, 'user.erase', `user/${erased.pseudonym}`, { deleted: erased.deleted });
}
