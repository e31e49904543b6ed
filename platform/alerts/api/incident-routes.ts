import type { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.ts';
import type { Outbox } from '../notify/outbox.ts';
import type { Pipeline } from '../pipeline.ts';
import type { IncidentStore } from '../store/incidents.ts';
import type { Audit } from '../../identity/audit.ts';
import { principalOf } from '../../identity/principal.ts';

export const listQuery = z.strictObject({
  status: z.enum(['open', 'triggered', 'acknowledged', 'snoozed', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /** Alerts listed per incident (each incident also gives its `alertCount`). */
  alerts: z.coerce.number().int().min(0).max(1_000).default(50),
});
export const idParam = z.string().regex(/^[a-z0-9-]{1,64}$/, 'not an incident id');
export const snoozeBody = z.union([
  z.strictObject({ minutes: z.number().int().min(1).max(10_080) }),
  z.strictObject({ until: z.iso.datetime({ offset: true }) }),
]);
export const reassignBody = z.strictObject({ user: z.string().min(1) });
export const mergeBody = z.strictObject({ from: idParam });
export const splitBody = z.strictObject({ fingerprints: z.array(z.string().min(1).max(200)).min(1).max(1_000) });

/** Incidents: list, detail (with the delivery log), acknowledge, resolve, snooze, reassign, merge, split. */
export function incidentRoutes(
  api: Router,
  deps: {
    pipeline: Pipeline;
    store: IncidentStore;
    outbox: Outbox;
    audit: Audit;
    now: () => number;
    transact: <T>(work: () => T) => T;
  },
): void {
  const { pipeline, store, audit } = deps;
  api.get('/incidents', (req, res) => {
    const q = listQuery.parse(req.query);
    res.json({
      incidents: store.list({
        ...(q.status !== undefined ? { status: q.status } : {}),
        limit: q.limit,
        offset: q.offset,
        alertsPerIncident: q.alerts,
      }),
    });
  });
  api.get('/incidents/:id', (req, res) => {
    const id = idParam.parse(req.params.id);
    const incident = store.get(id);
    if (incident === undefined) throw new HttpError(404, `no incident ${id}`);
    res.json({ ...incident, deliveries: deps.outbox.deliveries(id) });
  });
  const action = (name: string, run: (id: string, actor: string, body: unknown) => Record<string, unknown>): void => {
    api.post(`/incidents/:id/${name}`, async (req, res) => {
      const id = idParam.parse(req.params.id);
      const actor = principalOf(req).actor;
      if (pipeline.incident(id) === undefined)
        throw new HttpError(
          store.get(id) === undefined ? 404 : 409,
          store.get(id) === undefined ? `no incident ${id}` : `incident ${id} is already resolved`,
        );
      let details: Record<string, unknown>;
      try {
        details = deps.transact(() => run(id, actor, req.body ?? {}));
      } catch (error) {
        if (error instanceof RangeError) throw new HttpError(400, error.message);
        throw error;
      }
      await audit(actor, `incident.${name}`, `incident/${id}`, details);
      res.json({ ...store.get(id), ...(typeof details.to === 'string' ? { splitTo: details.to } : {}) });
    });
  };
  action('acknowledge', (id, actor) => {
    pipeline.acknowledge(id, actor);
    return {};
  });
  action('resolve', (id, actor) => {
    pipeline.resolve(id, actor);
    return {};
  });
  action('snooze', (id, actor, body) => {
    const b = snoozeBody.parse(body);
    const until = 'minutes' in b ? deps.now() + b.minutes * 60_000 : Date.parse(b.until);
    if (until <= deps.now()) throw new RangeError('snooze until a time in the future');
    pipeline.snooze(id, until, actor);
    return { until: new Date(until).toISOString() };
  });
  action('reassign', (id, actor, body) => {
    const { user } = reassignBody.parse(body);
    pipeline.reassign(id, user, actor);
    return { user };
  });
  action('merge', (id, actor, body) => {
    const { from } = mergeBody.parse(body);
    pipeline.atomically(() => pipeline.moves.merge(id, from, actor));
    return { from };
  });
  action('split', (id, actor, body) => {
    const { fingerprints } = splitBody.parse(body);
    const to = pipeline.atomically(() => pipeline.moves.split(id, fingerprints, actor));
    return { to: to.id, fingerprints: fingerprints.length };
  });
  api.get('/alerts/deliveries', (_req, res) => {
    res.json({ counts: deps.outbox.counts(), deliveries: deps.outbox.deliveries(undefined, 200) });
  });
}
