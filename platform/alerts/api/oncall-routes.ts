import type { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.ts';
import { escalationPolicySchema, scheduleSchema, userSchema, type AlertsConfig } from '../config/schema.ts';
import type { Directory } from '../oncall/directory.ts';
import { onCallAt } from '../oncall/schedule.ts';
import type { Audit } from '../../identity/audit.ts';
import { principalOf } from '../../identity/principal.ts';

const idParam = z.string().regex(/^[a-zA-Z0-9_.:-]{1,64}$/, 'not an id');

/** Users, schedules (with who is on call now) and escalation policies; a new id beyond `limits` is a 422. */
export function oncallRoutes(
  api: Router,
  deps: { directory: Directory; audit: Audit; now: () => number; limits: AlertsConfig['limits'] },
): void {
  const { directory, audit, limits } = deps;
  const bounds = {
    user: { limit: limits.users, setting: 'users' },
    schedule: { limit: limits.schedules, setting: 'schedules' },
    policy: { limit: limits.escalation_policies, setting: 'escalation_policies' },
  };
  const crud = (
    kind: 'user' | 'schedule' | 'policy',
    path: string,
    schema: z.ZodType<{ id: string }>,
    check: (e: z.output<typeof schema>) => void,
  ): void => {
    const { limit, setting } = bounds[kind];
    api.get(`/oncall/${path}`, (_req, res) => {
      res.json({ [path]: directory.list(kind) });
    });
    api.put(`/oncall/${path}/:id`, async (req, res) => {
      const id = idParam.parse(req.params.id);
      const entity = schema.parse({ ...(req.body as object), id });
      check(entity);
      if (!directory.has(kind, id) && directory.count(kind) >= limit)
        throw new HttpError(422, `at most ${String(limit)} ${path} may exist (limits.${setting} in ALERTS_CONFIG)`);
      directory.put(kind, entity as never);
      await audit(principalOf(req).actor, `${kind}.put`, `${kind}/${id}`);
      res.json(entity);
    });
    api.delete(`/oncall/${path}/:id`, async (req, res) => {
      const id = idParam.parse(req.params.id);
      if (!directory.remove(kind, id)) throw new HttpError(404, `no ${kind} ${id}`);
      await audit(principalOf(req).actor, `${kind}.delete`, `${kind}/${id}`);
      res.status(204).end();
    });
  };
  const mustExist = (what: string, ok: boolean): void => {
    if (!ok) throw new HttpError(400, `unknown ${what}`);
  };
  crud('user', 'users', userSchema, () => undefined);
  crud('schedule', 'schedules', scheduleSchema, (s) => {
    for (const l of (s as z.output<typeof scheduleSchema>).layers)
      for (const u of l.users) mustExist(`user ${u}`, directory.user(u) !== undefined);
  });
  crud('policy', 'policies', escalationPolicySchema, (p) => {
    for (const step of (p as z.output<typeof escalationPolicySchema>).steps)
      for (const t of step.targets) {
        if ('user' in t) mustExist(`user ${t.user}`, directory.user(t.user) !== undefined);
        else mustExist(`schedule ${t.schedule}`, directory.schedule(t.schedule) !== undefined);
      }
  });
  api.get('/oncall/schedules/:id/now', (req, res) => {
    const id = idParam.parse(req.params.id);
    const s = directory.schedule(id);
    if (s === undefined) throw new HttpError(404, `no schedule ${id}`);
    res.json({ schedule: id, at: new Date(deps.now()).toISOString(), user: onCallAt(s, deps.now()) ?? null });
  });
}
