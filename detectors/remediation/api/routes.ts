import type { Router } from 'express';
import { z } from 'zod';
import { remediationStatuses } from '../../../platform/backbone/topics.ts';
import { HttpError } from '../../../platform/http/errors.ts';
import { principalOf } from '../../../platform/identity/principal.ts';
import type { RemediationEngine } from '../engine.ts';
import type { RemediationRecord } from '../records.ts';

export const listQuery = z.strictObject({
  status: z.enum(remediationStatuses).optional(),
  /** The alert fingerprints of one incident, comma-separated: its remediations. */
  fingerprints: z
    .string()
    .max(20_000)
    .transform((s) => new Set(s.split(',').filter((f) => f !== '')))
    .refine((s) => s.size <= 500, { error: 'at most 500 fingerprints' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const idParam = z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'not a remediation id');
export const decisionBody = z.strictObject({ note: z.string().max(500).default('') }).default({ note: '' });

const view = (r: RemediationRecord) => ({ ...r, steps: [...r.steps] });

/**
 * GET /api/remediations (filter by status or by an incident's alert fingerprints), GET /api/remediations/:id, and a
 * person's decision on a pending action: POST /api/remediations/:id/approve and /reject (sre).
 */
export function remediationRoutes(api: Router, engine: () => RemediationEngine | undefined): void {
  const running = (): RemediationEngine => {
    const e = engine();
    if (e === undefined) throw new HttpError(503, 'remediation is disabled (REMEDIATION_ENABLED=false)');
    return e;
  };
  api.get('/remediations', (req, res) => {
    const q = listQuery.parse(req.query);
    const list = running().records.list({
      limit: q.limit,
      ...(q.status === undefined ? {} : { status: q.status }),
      ...(q.fingerprints === undefined ? {} : { fingerprints: q.fingerprints }),
    });
    res.json({ remediations: list.map(view) });
  });
  api.get('/remediations/:id', (req, res) => {
    const record = running().records.get(idParam.parse(req.params.id));
    if (record === undefined) throw new HttpError(404, 'no such remediation');
    res.json(view(record));
  });
  for (const verb of ['approve', 'reject'] as const)
    api.post(`/remediations/:id/${verb}`, async (req, res) => {
      const id = idParam.parse(req.params.id);
      const { note } = decisionBody.parse(req.body ?? undefined);
      const principal = principalOf(req);
      const decision = await running().decide(id, verb === 'approve', principal, note);
      if (!decision.ok) throw new HttpError(decision.status, decision.message);
      res.json(view(decision.record));
    });
}
