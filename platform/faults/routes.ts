import type { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import type { Audit } from '../identity/audit.ts';
import { principalOf } from '../identity/principal.ts';
import { injectRequest, limits, targets } from './kinds.ts';
import { TooManyFaults, type FaultRegistry } from './registry.ts';

const faultId = z.uuid();

/**
 * The injector's API: list (ops:read), inject and clear (ops:configure, the sre role). Declared in
 * platform/identity/permissions.ts.
 */
export function mountFaultRoutes(api: Router, registry: FaultRegistry, audit: Audit): void {
  api.get('/faults', (_req, res) => {
    res.json({ faults: registry.list(), targets, maxActive: limits.maxActive, config: registry.configVersions() });
  });
  api.post('/faults', async (req, res) => {
    const request = injectRequest.parse(req.body);
    let fault;
    try {
      fault = registry.inject(request);
    } catch (error) {
      if (error instanceof TooManyFaults) throw new HttpError(409, error.message);
      throw error;
    }
    await audit(principalOf(req).actor, 'fault.inject', `fault/${fault.id}`, {
      kind: fault.kind,
      service: fault.service,
    });
    res.status(201).json(fault);
  });
  api.delete('/faults/:id', async (req, res) => {
    const id = faultId.parse(req.params.id);
    if (!registry.clear(id, `cleared by ${principalOf(req).actor}`)) throw new HttpError(404, `no active fault ${id}`);
    await audit(principalOf(req).actor, 'fault.clear', `fault/${id}`, {});
    res.json({ cleared: [id] });
  });
  api.delete('/faults', async (req, res) => {
    const ids = registry.list().map((f) => f.id);
    registry.clearAll(`cleared by ${principalOf(req).actor}`);
    await audit(principalOf(req).actor, 'fault.clear', 'fault/*', { count: ids.length });
    res.json({ cleared: ids });
  });
}
